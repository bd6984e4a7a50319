package dev.portcullis.client;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An agent of the project (API.md section 4).
 *
 * @param id {@code agt_...}
 * @param model {@code echo} or {@code openai:<model>}
 * @param system the system prompt, when there is one
 * @param metadata free-form JSON as maps, lists, strings, numbers and booleans, unmodifiable throughout
 */
public record Agent(String id, String name, String model, Optional<String> system, Map<String, Object> metadata,
    Instant createdAt, Instant updatedAt) {}

package dev.portcullis.core.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** An agent: a model, a system prompt and free-form metadata. */
public record Agent(
    String id,
    String projectId,
    String name,
    String model,
    Optional<String> system,
    Map<String, Object> metadata,
    Instant createdAt,
    Instant updatedAt) {}

package dev.portcullis.core.domain;

import java.time.Instant;
import java.util.Optional;

/** One message of a thread; {@code runId} is set for messages a run produced or consumed. */
public record Message(
    String id, String threadId, Optional<String> runId, String role, String content, Instant createdAt) {}

package dev.portcullis.core.domain;

import java.time.Instant;
import java.util.Map;

/** A conversation with one agent. Named so as not to clash with {@link java.lang.Thread}. */
public record AgentThread(
    String id,
    String projectId,
    String agentId,
    Map<String, Object> metadata,
    Instant createdAt,
    Instant updatedAt) {}

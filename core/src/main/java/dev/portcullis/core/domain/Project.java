package dev.portcullis.core.domain;

import java.time.Instant;

/** A tenant: every key, agent and thread belongs to exactly one project. */
public record Project(String id, String name, Instant createdAt) {}

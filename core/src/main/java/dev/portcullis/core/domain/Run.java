package dev.portcullis.core.domain;

import java.time.Instant;
import java.util.Optional;

/** One execution of a thread's agent. */
public record Run(
    String id,
    String threadId,
    String agentId,
    Status status,
    Optional<String> error,
    Instant createdAt,
    Optional<Instant> completedAt) {

  /** The lifecycle of a run; a run that is not {@link #RUNNING} never changes again. */
  public enum Status {
    RUNNING,
    COMPLETED,
    FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Status fromWire(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public boolean finished() {
    return status != Status.RUNNING;
  }
}

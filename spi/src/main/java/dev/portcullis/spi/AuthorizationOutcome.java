package dev.portcullis.spi;

import java.util.Map;
import java.util.Objects;

/** What an {@link AuthorizationHandler} decided. */
public sealed interface AuthorizationOutcome {

  /** No opinion, as a policy rule whose {@code when} is false. */
  static AuthorizationOutcome pass() {
    return Pass.INSTANCE;
  }

  /** Refuse with {@code 403 forbidden} and a message the client may read. */
  static AuthorizationOutcome deny(String message) {
    return new Deny(message);
  }

  /** Allow without restriction; this still decides the handler's level. */
  static AuthorizationOutcome allow() {
    return Allow.UNRESTRICTED;
  }

  /** Allow, stamping {@code metadata} on what is created and restricting to {@code filter}. */
  static AuthorizationOutcome allow(Map<String, Object> metadata, Map<String, Object> filter) {
    return new Allow(metadata, filter);
  }

  /** No opinion: the handler does not take part in deciding its level. */
  enum Pass implements AuthorizationOutcome {
    INSTANCE
  }

  /** Refused with {@code 403 forbidden}; {@code message} is shown to the client. */
  record Deny(String message) implements AuthorizationOutcome {
    public Deny {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Allowed.
   *
   * @param metadata keys stamped on what is created, which the caller may not set or change;
   *     values are JSON values (strings, numbers, booleans, lists)
   * @param filter per metadata key, a plain value (equality) or an operator map with one entry
   *     {@code $eq}, {@code $ne}, {@code $in} (a list) or {@code $contains}, such as
   *     {@code Map.of("$in", List.of("a", "b"))}; all entries must hold (AND)
   */
  record Allow(Map<String, Object> metadata, Map<String, Object> filter) implements AuthorizationOutcome {
    public static final Allow UNRESTRICTED = new Allow(Map.of(), Map.of());

    public Allow {
      metadata = Map.copyOf(metadata);
      filter = Map.copyOf(filter);
    }
  }
}

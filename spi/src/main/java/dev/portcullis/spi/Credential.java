package dev.portcullis.spi;

import java.util.Objects;

/**
 * A bearer credential as it arrived, before anyone has looked at what it means.
 *
 * <p>{@link #toString()} never shows the value, so a credential can be logged by mistake
 * without leaking it.
 *
 * @param value the raw credential (an opaque key or a JWT)
 * @param source where in the request it travelled
 */
public record Credential(String value, Source source) {

  public Credential {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return "Credential[source=" + source + ", value=<redacted>]";
  }

  /** Where a credential may travel (API.md section 2). */
  public enum Source {
    /** {@code Authorization: Bearer} (RFC 6750 section 2.1). */
    AUTHORIZATION_HEADER,
    /** The {@code token} URI query parameter (RFC 6750 section 2.3). */
    QUERY,
    /** The {@code bearer.} WebSocket subprotocol. */
    SUBPROTOCOL,
    /** The same-origin session cookie. */
    COOKIE
  }
}

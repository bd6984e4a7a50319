package dev.portcullis.core.error;

import java.util.Objects;

/**
 * The one unchecked exception of the domain. Its message is shown to the client, so it
 * must never contain a secret or an internal detail.
 */
public final class PortcullisException extends RuntimeException {

  private final ErrorCode code;

  public PortcullisException(ErrorCode code, String message) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  public static PortcullisException invalidRequest(String message) {
    return new PortcullisException(ErrorCode.INVALID_REQUEST, message);
  }

  public static PortcullisException notFound(String what) {
    return new PortcullisException(ErrorCode.NOT_FOUND, what + " not found.");
  }
}

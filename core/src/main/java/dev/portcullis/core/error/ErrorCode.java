package dev.portcullis.core.error;

/** The stable error codes of API.md section 1, each with its HTTP status. */
public enum ErrorCode {
  INVALID_REQUEST(400),
  UNAUTHENTICATED(401),
  INVALID_TOKEN(401),
  TOKEN_EXPIRED(401),
  TOKEN_REVOKED(401),
  FORBIDDEN(403),
  INSUFFICIENT_SCOPE(403),
  ORIGIN_NOT_ALLOWED(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  CONFLICT(409),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  RATE_LIMITED(429),
  INTERNAL(500),
  UNAVAILABLE(503);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP status this code is sent with. */
  public int status() {
    return status;
  }

  /** The snake_case string clients match on. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

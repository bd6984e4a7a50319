package dev.portcullis.client;

/**
 * The API refused a call with its error body
 * {@code {"error": {"code", "message", "request_id"}}} (API.md section 1).
 *
 * <p>Match on {@link #code()}, which is stable ({@code invalid_request}, {@code not_found},
 * {@code invalid_token}, {@code token_revoked}, ...); each code has one HTTP status. The
 * message is the server's human sentence. Quote {@link #requestId()} when reporting a problem:
 * the server's logs carry it.
 */
public final class PortcullisApiException extends PortcullisClientException {

  private final int status;
  private final String code;
  private final String serverMessage;
  private final String requestId;

  PortcullisApiException(String request, int status, String code, String message, String requestId) {
    super(request + " answered " + status + " " + code + ": " + message + " (request " + requestId + ")");
    this.status = status;
    this.code = code;
    this.serverMessage = message;
    this.requestId = requestId;
  }

  /** The HTTP status, such as 404. */
  public int status() {
    return status;
  }

  /** The API's error code, such as {@code not_found}. */
  public String code() {
    return code;
  }

  /** The server's sentence alone, without the status, code and request id that {@link #getMessage()} adds. */
  public String serverMessage() {
    return serverMessage;
  }

  /** The id the server gave the request (also its {@code X-Request-Id} header). */
  public String requestId() {
    return requestId;
  }
}

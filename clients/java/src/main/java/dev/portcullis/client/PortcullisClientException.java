package dev.portcullis.client;

/**
 * A call that did not get the API's answer: the server could not be reached, the request
 * timed out, the calling thread was interrupted, or what came back was not the API's (a proxy's
 * error page, a body that is not the promised JSON). The cause, when there is one, is the
 * underlying {@link java.io.IOException} or {@link InterruptedException}.
 *
 * <p>When the API itself refuses a call, the exception is the subclass
 * {@link PortcullisApiException}. Messages name the method and path of the request, never a
 * credential or token.
 */
public sealed class PortcullisClientException extends RuntimeException permits PortcullisApiException {

  PortcullisClientException(String message) {
    super(message);
  }

  PortcullisClientException(String message, Throwable cause) {
    super(message, cause);
  }
}

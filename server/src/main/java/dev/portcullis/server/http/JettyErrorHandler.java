package dev.portcullis.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.secret.ResourceIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers before a request reaches Javalin (a malformed request line,
 * headers over 16 KiB) in the same JSON shape as every other error, instead of Jetty's HTML.
 */
final class JettyErrorHandler extends ErrorHandler {

  private final ErrorRenderer renderer;
  private final ObjectMapper json;

  JettyErrorHandler(ErrorRenderer renderer, ObjectMapper json) {
    this.renderer = renderer;
    this.json = json;
  }

  @Override
  protected void generateResponse(Request request, Response response, int status, String message,
      Throwable cause, Callback callback) throws IOException {
    ErrorCode code = switch (status) {
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
    };
    String text = switch (status) {
      case 431 -> "The request headers total more than 16 KiB.";
      case 414 -> "The request URI is too long.";
      default -> status >= 500 ? "Internal error." : "The request is malformed.";
    };
    byte[] body = json.writeValueAsBytes(ErrorRenderer.body(code, text, ResourceIds.requestId()));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}

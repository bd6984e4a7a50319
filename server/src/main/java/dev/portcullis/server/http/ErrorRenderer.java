package dev.portcullis.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.ResourceIds;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.servlet.JavalinWsServletContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error of the HTTP API in the one shape of API.md section 1:
 * {@code {"error": {"code", "message", "request_id"}}}. Anything unexpected becomes a 500 with
 * a generic message; its cause goes to the log with the request id, never to the client.
 */
public final class ErrorRenderer {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);
  static final String REQUEST_ID = "portcullis.request-id";

  private final ObjectMapper json;

  public ErrorRenderer(ObjectMapper json) {
    this.json = json;
  }

  /**
   * Gives every request an id ({@code X-Request-Id}) and routes every exception of
   * {@code config}'s app through this renderer.
   */
  public void install(JavalinConfig config) {
    config.routes.before(ErrorRenderer::assignRequestId);
    config.routes.exception(PortcullisException.class, (e, ctx) -> render(ctx, e));
    config.routes.exception(HttpResponseException.class, (e, ctx) -> renderJavalin(ctx, e));
    config.routes.exception(Exception.class, (e, ctx) -> renderUnexpected(ctx, e));
  }

  /**
   * Gives the request its id ({@code X-Request-Id}). HTTP before-handlers do not run on a
   * WebSocket upgrade, so {@link Routes#websocket} calls this itself.
   */
  static void assignRequestId(Context ctx) {
    String id = ResourceIds.requestId();
    ctx.attribute(REQUEST_ID, id);
    ctx.header("X-Request-Id", id);
  }

  /** The error body for {@code code}, as written on every channel. */
  public static Map<String, Object> body(ErrorCode code, String message, String requestId) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.code());
    error.put("message", message);
    error.put("request_id", requestId);
    return Map.of("error", error);
  }

  void render(Context ctx, PortcullisException e) {
    write(ctx, e.code(), e.getMessage());
  }

  void renderJavalin(Context ctx, HttpResponseException e) {
    ErrorCode code = switch (e.getStatus()) {
      case 400 -> ErrorCode.INVALID_REQUEST;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> e.getStatus() >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
    };
    String message = switch (code) {
      case NOT_FOUND -> "No route matches " + ctx.method() + " " + ctx.path() + ".";
      case METHOD_NOT_ALLOWED -> ctx.method() + " is not allowed on " + ctx.path() + ".";
      case PAYLOAD_TOO_LARGE -> "The request body is too large.";
      case INTERNAL -> "Internal error.";
      default -> e.getMessage();
    };
    write(ctx, code, message);
  }

  void renderUnexpected(Context ctx, Exception e) {
    LOG.error("unexpected error in {} {} (request {})", ctx.method(), ctx.path(), requestId(ctx), e);
    write(ctx, ErrorCode.INTERNAL, "Internal error; quote request id " + requestId(ctx) + " when reporting it.");
  }

  private void write(Context ctx, ErrorCode code, String message) {
    ctx.status(code.status());
    if (code.status() == 401) {
      ctx.header("WWW-Authenticate", wwwAuthenticate(code, message));
    }
    if (code == ErrorCode.RATE_LIMITED && ctx.res().getHeader("Retry-After") == null) {
      ctx.header("Retry-After", "1");
    }
    byte[] body;
    try {
      body = json.writeValueAsBytes(body(code, message, requestId(ctx)));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("an error body is always serialisable", e);
    }
    ctx.contentType("application/json");
    if (ctx instanceof JavalinWsServletContext) {
      // A refused WebSocket upgrade: Javalin sends the status and headers but never a result,
      // so the body is written here, and the connection is not upgraded.
      try {
        ctx.res().setContentLength(body.length);
        ctx.res().getOutputStream().write(body);
        ctx.res().flushBuffer();
      } catch (java.io.IOException clientGone) {
        LOG.debug("could not send a refused upgrade's error body (request {})", requestId(ctx));
      }
    } else {
      ctx.result(body);
    }
  }

  /** RFC 6750 section 3: no {@code error=} when the credential is simply missing. */
  static String wwwAuthenticate(ErrorCode code, String message) {
    if (code == ErrorCode.UNAUTHENTICATED) {
      return "Bearer realm=\"portcullis\"";
    }
    String description = message.replace("\\", "").replace("\"", "'");
    return "Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"" + description + "\"";
  }

  static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    return id == null ? "unknown" : id;
  }
}

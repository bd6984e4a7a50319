package dev.portcullis.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.view.JsonMappers;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly: JSON only (415 otherwise), at most the configured size
 * (413), no unknown fields, no type coercion, no trailing garbage (400 naming the field).
 */
public final class JsonBodies {

  /** The request attribute holding the body once read, or the refusal of reading it. */
  private static final String BODY = JsonBodies.class.getName() + ".body";

  private final ObjectMapper strict;
  private final long maxBytes;

  public JsonBodies(long maxBytes) {
    this.maxBytes = maxBytes;
    this.strict = JsonMappers.create()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
    for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Boolean}) {
      strict.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
    }
  }

  /** Reads the body as {@code type}; an empty body reads as {@code {}}. */
  public <T> T read(Context ctx, Class<T> type) {
    byte[] body = bytes(ctx);
    if (body.length == 0) {
      body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } else {
      requireJson(ctx);
    }
    return parse(body, type);
  }

  /**
   * Reads {@code body}, a JSON object, as {@code type} with the rules of a request body; a frame
   * of a WebSocket is read with them too.
   *
   * @throws PortcullisException {@code invalid_request} naming the field that is unknown or of the wrong type
   */
  public <T> T parse(byte[] body, Class<T> type) {
    try {
      T value = strict.readValue(body, type);
      if (value == null) {
        throw PortcullisException.invalidRequest("The body must be a JSON object.");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw PortcullisException.invalidRequest("Unknown field \"" + path(e) + "\".");
    } catch (JsonMappingException e) {
      String field = path(e);
      throw PortcullisException.invalidRequest(field.isEmpty()
          ? "The body must be a JSON object of the documented shape."
          : "Field \"" + field + "\" has the wrong type.");
    } catch (JsonProcessingException e) {
      throw PortcullisException.invalidRequest("The body is not valid JSON.");
    } catch (IOException e) {
      throw PortcullisException.invalidRequest("The body could not be read.");
    }
  }

  private void requireJson(Context ctx) {
    String type = ctx.contentType();
    String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!mime.equals("application/json")) {
      throw new PortcullisException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "The body must be application/json, not " + (type == null ? "untyped" : "\"" + mime + "\"") + ".");
    }
  }

  /**
   * The raw body, read from the request once and kept on it: the authorization engine may read
   * it for a rule before the route does, and a request's stream can be read only once. A body
   * over the limit is {@code 413} on every read.
   */
  byte[] bytes(Context ctx) {
    Object kept = ctx.attribute(BODY);
    if (kept instanceof byte[] body) {
      return body;
    }
    if (kept instanceof PortcullisException refusal) {
      throw refusal;
    }
    try {
      byte[] body = readBounded(ctx);
      ctx.attribute(BODY, body);
      return body;
    } catch (PortcullisException refusal) {
      ctx.attribute(BODY, refusal);
      throw refusal;
    }
  }

  private byte[] readBounded(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
        if (out.size() > maxBytes) {
          throw tooLarge();
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw PortcullisException.invalidRequest("The body could not be read.");
    }
  }

  private PortcullisException tooLarge() {
    return new PortcullisException(ErrorCode.PAYLOAD_TOO_LARGE,
        "The request body is larger than " + maxBytes + " bytes.");
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }
}

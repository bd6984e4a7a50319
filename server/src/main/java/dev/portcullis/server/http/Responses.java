package dev.portcullis.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;

/** Writes successful JSON responses (API.md section 1: 201 create, 200 read/update, 204 delete). */
final class Responses {

  private final ObjectMapper json;
  private final JsonBodies bodies;

  Responses(ObjectMapper json, JsonBodies bodies) {
    this.json = json;
    this.bodies = bodies;
  }

  JsonBodies bodies() {
    return bodies;
  }

  void ok(Context ctx, Object body) throws IOException {
    write(ctx, 200, body);
  }

  void created(Context ctx, Object body) throws IOException {
    write(ctx, 201, body);
  }

  /** {@code value} as one line of JSON, for an SSE {@code data:} line. */
  String json(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response bodies are always serialisable", e);
    }
  }

  void noContent(Context ctx) {
    ctx.status(204);
  }

  /** {@code body} written as JSON, for a response sent more than once ({@link #okJson}). */
  byte[] jsonBytes(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response bodies are always serialisable", e);
    }
  }

  /** A 200 whose body is JSON written before, by {@link #jsonBytes}. */
  void okJson(Context ctx, byte[] body) throws IOException {
    write(ctx, 200, body);
  }

  private void write(Context ctx, int status, Object body) throws IOException {
    write(ctx, status, jsonBytes(body));
  }

  private void write(Context ctx, int status, byte[] bytes) throws IOException {
    ctx.status(status).contentType("application/json");
    // Straight to the servlet stream: Javalin's result path inspects every response for
    // compression, which costs about a tenth of a small request's CPU and is off here anyway.
    ctx.res().setContentLength(bytes.length);
    ctx.res().getOutputStream().write(bytes);
  }
}

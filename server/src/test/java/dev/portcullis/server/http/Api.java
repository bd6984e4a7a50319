package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A tiny HTTP client for tests: real requests over loopback, JSON in and out. */
public final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String baseUrl;
  private final Optional<String> credential;
  private final Map<String, String> headers;

  public Api(String baseUrl, Optional<String> credential) {
    this(baseUrl, credential, Map.of());
  }

  private Api(String baseUrl, Optional<String> credential, Map<String, String> headers) {
    this.baseUrl = baseUrl;
    this.credential = credential;
    this.headers = Map.copyOf(headers);
  }

  /** This client sending {@code name: value} on every request too, as a browser sends {@code Origin}. */
  public Api withHeader(String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(headers);
    more.put(name, value);
    return new Api(baseUrl, credential, more);
  }

  public Reply get(String path) {
    return send(request(path).GET());
  }

  public Reply delete(String path) {
    return send(request(path).DELETE());
  }

  public Reply post(String path, Object body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(body))));
  }

  public Reply patch(String path, Object body) {
    return send(request(path).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json(body))));
  }

  /** A request with the credential set, for tests that need odd headers or bodies. */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path));
    credential.ifPresent(c -> b.header("Authorization", "Bearer " + c));
    headers.forEach(b::header);
    return b;
  }

  public Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String json(Object body) {
    try {
      return body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A response with assertions that print the body when they fail. */
  public record Reply(HttpResponse<String> response) {
    public int status() {
      return response.statusCode();
    }

    public String body() {
      return response.body();
    }

    public Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }

    public Reply expect(int status) {
      assertThat(status()).as("status of %s %s, body %s", response.request().method(), response.uri(), body())
          .isEqualTo(status);
      return this;
    }

    /** Asserts the one error shape of API.md section 1 with {@code code}. */
    public Reply expectError(int status, String code) {
      expect(status);
      JsonNode error = json().get("error");
      assertThat(error).as("error object in %s", body()).isNotNull();
      assertThat(error.get("code").asText()).isEqualTo(code);
      assertThat(error.get("message").asText()).isNotBlank();
      assertThat(error.get("request_id").asText()).startsWith("req_");
      assertThat(json().size()).isEqualTo(1);
      return this;
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body());
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body(), e);
      }
    }

    public List<String> ids() {
      List<String> ids = new ArrayList<>();
      json().get("data").forEach(n -> ids.add(n.get("id").asText()));
      return ids;
    }
  }
}

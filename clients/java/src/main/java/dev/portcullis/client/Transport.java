package dev.portcullis.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sends one request with the credential and turns the answer into a value or an exception.
 * Thread-safe: it holds nothing that changes.
 */
final class Transport {

  private static final String USER_AGENT = "portcullis-java-client";

  private final HttpClient http;
  private final String baseUrl;
  private final String authorization;
  private final Duration timeout;

  /** @param baseUrl without a trailing slash, so that paths starting with {@code /} append to it */
  Transport(HttpClient http, String baseUrl, String credential, Duration timeout) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.authorization = "Bearer " + credential;
    this.timeout = timeout;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** Sends {@code method path} with an optional JSON body and decodes a 2xx answer's body. */
  <T> T call(String method, String path, Optional<JsonNode> body, Function<JsonNode, T> decode) {
    HttpResponse<String> response = send(method, path, body);
    JsonNode json = json(method, path, response)
        .orElseThrow(() -> unexpected(method, path, response.statusCode(), "an empty body"));
    try {
      return decode.apply(json);
    } catch (Wire.UnexpectedBody e) {
      throw unexpected(method, path, response.statusCode(), "a body whose " + e.getMessage());
    }
  }

  /** Sends {@code method path} for an answer without a body, such as {@code 204}. */
  void callForNoContent(String method, String path, Optional<JsonNode> body) {
    send(method, path, body);
  }

  private HttpResponse<String> send(String method, String path, Optional<JsonNode> body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(timeout)
        .header("Authorization", authorization)
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT);
    if (body.isPresent()) {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.get().toString(), StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // HttpTimeoutException and ConnectException are IOExceptions: the cause says which.
      throw new PortcullisClientException(method + " " + path + " to " + baseUrl + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PortcullisClientException(method + " " + path + " to " + baseUrl + " was interrupted", e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response;
    }
    Optional<Wire.ApiError> error = json(method, path, response).flatMap(Wire::error);
    if (error.isEmpty()) {
      // Not the API's error: a proxy or load balancer in front of it, most likely.
      throw unexpected(method, path, status, "no error body of the API");
    }
    Wire.ApiError e = error.get();
    throw new PortcullisApiException(method + " " + path, status, e.code(), e.message(), e.requestId());
  }

  /** The body as JSON; empty when there is none; an exception when it is not JSON. */
  private Optional<JsonNode> json(String method, String path, HttpResponse<String> response) {
    String text = response.body();
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Wire.JSON.readTree(text));
    } catch (JsonProcessingException e) {
      int status = response.statusCode();
      if (status < 200 || status >= 300) {
        return Optional.empty(); // an error page of HTML or text: reported by the caller with its status
      }
      throw unexpected(method, path, status, "a body that is not JSON");
    }
  }

  private PortcullisClientException unexpected(String method, String path, int status, String what) {
    return new PortcullisClientException(method + " " + path + " to " + baseUrl + " answered " + status
        + " with " + what);
  }
}

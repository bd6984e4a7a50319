package dev.portcullis.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.view.JsonMappers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model behind an OpenAI-compatible {@code POST /chat/completions} with
 * {@code "stream": true}: reads the server-sent {@code data:} chunks and hands each
 * {@code choices[0].delta.content} on as a delta. Failures of the provider are
 * {@code unavailable}; their details go to the log, not to the client.
 */
final class OpenAiChatModel implements ChatModel {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatModel.class);
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final HttpClient http;
  private final ModelCatalog.OpenAiEndpoint endpoint;
  private final String model;

  OpenAiChatModel(HttpClient http, ModelCatalog.OpenAiEndpoint endpoint, String model) {
    this.http = http;
    this.endpoint = endpoint;
    this.model = model;
  }

  @Override
  public String reply(Conversation conversation, Consumer<String> onDelta) {
    HttpRequest request = HttpRequest.newBuilder(completionsUri())
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + endpoint.apiKey())
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(requestBody(conversation)))
        .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      LOG.warn("model provider at {} unreachable: {}", endpoint.baseUrl(), e.toString());
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        LOG.warn("model provider at {} answered {}", endpoint.baseUrl(), response.statusCode());
        throw unavailable();
      }
      return readStream(body, onDelta);
    } catch (IOException e) {
      LOG.warn("model provider stream from {} broke: {}", endpoint.baseUrl(), e.toString());
      throw unavailable();
    }
  }

  private String readStream(InputStream body, Consumer<String> onDelta) throws IOException {
    StringBuilder answer = new StringBuilder();
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    for (String line; (line = reader.readLine()) != null; ) {
      if (!line.startsWith("data:")) {
        continue; // comments, event names and blank separators
      }
      String data = line.substring(5).strip();
      if (data.equals("[DONE]")) {
        break;
      }
      JsonNode content = JSON.readTree(data).path("choices").path(0).path("delta").path("content");
      if (content.isTextual() && !content.asText().isEmpty()) {
        answer.append(content.asText());
        onDelta.accept(content.asText());
      }
    }
    return answer.toString();
  }

  private URI completionsUri() {
    String base = endpoint.baseUrl().toString();
    return URI.create(base.endsWith("/") ? base + "chat/completions" : base + "/chat/completions");
  }

  private String requestBody(Conversation conversation) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    root.put("stream", true);
    ArrayNode messages = root.putArray("messages");
    conversation.system().ifPresent(s -> messages.addObject().put("role", "system").put("content", s));
    for (Turn turn : conversation.turns()) {
      messages.addObject().put("role", turn.role()).put("content", turn.content());
    }
    return root.toString();
  }

  private static PortcullisException unavailable() {
    return new PortcullisException(ErrorCode.UNAVAILABLE, "The model provider failed to answer.");
  }
}

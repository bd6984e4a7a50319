package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openai:<model>} agents against a local OpenAI-compatible stub that streams
 * {@code chat.completion.chunk}s, as the real endpoint does.
 */
class OpenAiModelIT {

  @TempDir Path data;
  private HttpServer stub;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext("/v1/chat/completions", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      requests.add(Api.JSON.readTree(exchange.getRequestBody()));
      if (status.get() != 200) {
        exchange.sendResponseHeaders(status.get(), -1);
        exchange.close();
        return;
      }
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (String piece : List.of("Hel", "lo", " there")) {
          String chunk = "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
              + piece + "\"}}]}";
          out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        out.write("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
            .getBytes(StandardCharsets.UTF_8));
      }
    });
    stub.start();
    server = new TestServer(data, Map.of(
        "openai-base-url", "http://127.0.0.1:" + stub.getAddress().getPort() + "/v1",
        "openai-api-key", "sk-test-upstream"));
  }

  @AfterEach
  void stop() {
    server.close();
    stub.stop(0);
  }

  @Test
  void runWhenAgentUsesOpenAiModelThenStreamedChunksBecomeTheAnswer() {
    TestServer.ProjectKey p = server.newProject("openai");
    String agent = p.api().post("/v1/agents", Map.of("name", "gpt", "model", "openai:gpt-test", "system", "be nice"))
        .expect(201).json().get("id").asText();
    String thread = p.thread(agent);
    JsonNode run = p.api().post("/v1/threads/" + thread + "/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", "hi"))))).expect(200).json();
    assertThat(run.get("status").asText()).isEqualTo("completed");
    assertThat(run.get("output").get("messages").get(0).get("content").asText()).isEqualTo("Hello there");
    assertThat(authorizations).containsExactly("Bearer sk-test-upstream");
    JsonNode sent = requests.getFirst();
    assertThat(sent.get("model").asText()).isEqualTo("gpt-test");
    assertThat(sent.get("stream").asBoolean()).isTrue();
    assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(sent.get("messages").get(0).get("content").asText()).isEqualTo("be nice");
    assertThat(sent.get("messages").get(1).get("content").asText()).isEqualTo("hi");
  }

  @Test
  void runWhenProviderFailsThenRunFailedAsUnavailableWithoutProviderDetails() {
    status.set(500);
    TestServer.ProjectKey p = server.newProject("openai-down");
    String agent = p.api().post("/v1/agents", Map.of("name", "gpt", "model", "openai:gpt-test")).expect(201)
        .json().get("id").asText();
    JsonNode run = p.api().post("/v1/threads/" + p.thread(agent) + "/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", "hi"))))).expect(200).json();
    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("error").asText()).isEqualTo("The model provider failed to answer.");
    assertThat(run.toString()).doesNotContain("sk-test-upstream", "127.0.0.1");
  }
}

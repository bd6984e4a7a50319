package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials in {@code ?token=} (API.md section 2) never reach a log line, accepted or refused,
 * even with Portcullis's own request log at debug: read from everything a real server process
 * writes.
 */
class QueryTokenLoggingIT {

  @TempDir Path data;

  @Test
  void queryTokensWhenUsedAcceptedAndRefusedThenNoLogLineHoldsOne() throws Exception {
    String adminKey = OpaqueSecrets.mint(SecretKind.ADMIN_KEY).value();
    ServerProcess server = ServerProcess.launch(data, adminKey,
        List.of("-Dorg.slf4j.simpleLogger.log.dev.portcullis=debug"), "--echo-delay-ms", "1");
    List<String> secrets = new ArrayList<>();
    String run;
    try {
      Api admin = new Api(server.baseUrl(), Optional.of(adminKey));
      String project = admin.post("/v1/projects", Map.of("name", "logs")).expect(201).json().get("id").asText();
      String key = admin.post("/v1/projects/" + project + "/api-keys", Map.of("name", "k")).expect(201).json()
          .get("key").asText();
      Api backend = new Api(server.baseUrl(), Optional.of(key));
      String agent = backend.post("/v1/agents", Map.of("name", "echo")).expect(201).json().get("id").asText();
      String token = backend.post("/v1/workspace-tokens", Map.of("workspace_id", "alice")).expect(201).json()
          .get("token").asText();
      Api alice = new Api(server.baseUrl(), Optional.of(token));
      String thread = alice.post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
      run = alice.post("/v1/threads/" + thread + "/runs", Map.of("input", Map.of("messages",
          List.of(Map.of("role", "user", "content", "hi"))))).expect(200).json().get("id").asText();
      String ticket = alice.post("/v1/ws-tickets", Map.of()).expect(201).json().get("ticket").asText();
      String streamTicket = alice.post("/v1/ws-tickets", Map.of()).expect(201).json().get("ticket").asText();
      String forged = OpaqueSecrets.mint(SecretKind.CLIENT_TOKEN).value();
      secrets.addAll(List.of(key, token, ticket, streamTicket, forged));
      String ws = server.baseUrl().replaceFirst("^http", "ws") + "/v1/ws?token=";
      int port = URI.create(server.baseUrl()).getPort();
      String stream = "/v1/threads/" + thread + "/runs/" + run + "/stream?token=";

      try (WebSocketIT.Socket socket = WebSocketIT.Socket.open(ws + token, b -> { })) {
        assertThat(socket.next().path("type").asText()).isEqualTo("ready");
      }
      try (WebSocketIT.Socket socket = WebSocketIT.Socket.open(ws + ticket, b -> { })) {
        assertThat(socket.next().path("type").asText()).isEqualTo("ready");
      }
      assertThat(RawHttp.once(port, RawHttp.upgrade("/v1/ws?token=" + ticket, ""))).startsWith("HTTP/1.1 401");
      assertThat(RawHttp.once(port, RawHttp.upgrade("/v1/ws?token=" + forged, ""))).startsWith("HTTP/1.1 401");
      assertThat(get(server.baseUrl() + stream + streamTicket)).isEqualTo(200);
      assertThat(get(server.baseUrl() + stream + key)).isEqualTo(400);
      assertThat(get(server.baseUrl() + stream + forged)).isEqualTo(401);
      assertThat(get(server.baseUrl() + "/v1/no-such-route?token=" + token)).isEqualTo(404);
    } finally {
      server.process().destroy(); // SIGTERM: the server shuts down and flushes what it writes
      assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    List<String> output = List.copyOf(server.output());
    // The request log ran at debug, so the test would see a leak: it names each request it
    // served, by path. (Upgrades, accepted or refused, are not in it.)
    assertThat(output).anyMatch(line -> line.contains("/runs/" + run + "/stream 200 "));
    assertThat(output).anyMatch(line -> line.contains("/runs/" + run + "/stream 401 "));
    assertThat(output).anyMatch(line -> line.contains("GET /v1/no-such-route 404 "));
    for (String secret : secrets) {
      assertThat(output).noneMatch(line -> line.contains(secret));
    }
    assertThat(output).noneMatch(line -> line.contains("token="));
  }

  private static int get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}

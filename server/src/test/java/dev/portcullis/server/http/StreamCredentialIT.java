package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSE stream already open when its credential is revoked or expires ends with a last
 * {@code event: error} naming the code (API.md section 4), and a fresh credential resumes it
 * with {@code Last-Event-ID}.
 */
class StreamCredentialIT {

  /** Enough words at the echo delay for the stream to outlive what the test does to its credential. */
  static final String LONG = String.join(" ", java.util.Collections.nCopies(40, "word"));

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey project;
  static String agent;

  @BeforeAll
  static void start() {
    server = new TestServer(data, Map.of("echo-delay-ms", "100"));
    project = server.newProject("streams");
    agent = project.agent();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String clientToken(String expiresAt) {
    Map<String, Object> body = new java.util.HashMap<>(Map.of("policy",
        List.of(Map.of("type", "agent", "id", agent, "access", List.of("read_messages", "write_messages")))));
    if (expiresAt != null) {
      body.put("expires_at", expiresAt);
    }
    return project.api().post("/v1/client-tokens", body).expect(201).json().get("token").asText();
  }

  /** Opens {@code POST .../runs/stream} with {@code token}; the lines arrive as the server writes them. */
  private static Iterator<String> openStream(String token, String thread) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/threads/" + thread + "/runs/stream"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("input", Map.of("messages",
            List.of(Map.of("role", "user", "content", LONG)))))))
        .build();
    HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body().iterator();
  }

  /** Reads until the first {@code message.delta}, so the run is under way; returns the last event id seen. */
  private static long untilFirstDelta(Iterator<String> lines) {
    long lastId = 0;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("id: ")) {
        lastId = Long.parseLong(line.substring(4));
      }
      if (line.equals("event: message.delta")) {
        return lastId;
      }
    }
    throw new AssertionError("the stream ended before any delta");
  }

  private static List<String> rest(Iterator<String> lines) {
    List<String> all = new ArrayList<>();
    lines.forEachRemaining(all::add);
    return all;
  }

  @Test
  void streamWhenClientTokenRevokedThenEndsWithErrorTokenRevoked() throws Exception {
    String token = clientToken(null);
    String thread = server.api(token).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
    Iterator<String> lines = openStream(token, thread);
    untilFirstDelta(lines);
    project.api().post("/v1/client-tokens/revoke", Map.of("token", token)).expect(204);

    List<String> after = rest(lines);
    assertThat(after).contains("event: error").doesNotContain("event: run.completed");
    String errorData = after.get(after.indexOf("event: error") + 1);
    assertThat(errorData).startsWith("data: ").contains("\"code\":\"token_revoked\"");
    assertThat(after.subList(after.indexOf("event: error"), after.size())).noneMatch(l -> l.startsWith("event: message"));
  }

  @Test
  void streamWhenCredentialExpiresThenEndsWithErrorTokenExpiredAndAFreshOneResumesWithoutLoss() throws Exception {
    String shortLived = clientToken(Instant.now().plusSeconds(2).toString());
    String thread = server.api(shortLived).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
    Iterator<String> lines = openStream(shortLived, thread);
    List<String> first = new ArrayList<>();
    long lastId = 0;
    String runId = null;
    while (lines.hasNext()) {
      String line = lines.next();
      first.add(line);
      if (line.startsWith("id: ")) {
        lastId = Long.parseLong(line.substring(4));
      }
      if (runId == null && line.contains("\"run_id\":\"")) {
        int at = line.indexOf("\"run_id\":\"") + 10;
        runId = line.substring(at, line.indexOf('"', at));
      }
    }
    assertThat(first).contains("event: error").doesNotContain("event: run.completed");
    assertThat(first.get(first.indexOf("event: error") + 1)).contains("\"code\":\"token_expired\"");

    // A fresh token resumes after the last event it saw: together the two streams hold every
    // event of the run exactly once, as a full replay shows.
    String fresh = clientToken(null);
    String resumed = join(fresh, thread, runId, lastId);
    assertThat(resumed).contains("event: run.completed");
    List<Long> seen = new ArrayList<>(ids(String.join("\n", first)));
    seen.addAll(ids(resumed));
    assertThat(seen).isEqualTo(ids(join(fresh, thread, runId, 0)));
  }

  /** {@code GET .../runs/{run}/stream} from {@code lastEventId}, read to its end. */
  private static String join(String token, String thread, String runId, long lastEventId) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
            + "/v1/threads/" + thread + "/runs/" + runId + "/stream"))
        .header("Authorization", "Bearer " + token).header("Last-Event-ID", Long.toString(lastEventId)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static List<Long> ids(String stream) {
    return stream.lines().filter(l -> l.startsWith("id: ")).map(l -> Long.parseLong(l.substring(4))).toList();
  }
}

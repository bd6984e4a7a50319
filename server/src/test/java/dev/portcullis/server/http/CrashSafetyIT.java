package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An acknowledged write survives {@code kill -9} of the server process. */
class CrashSafetyIT {

  @TempDir Path data;
  private final String adminKey = OpaqueSecrets.mint(SecretKind.ADMIN_KEY).value();

  private ServerProcess launch(String... extraArgs) throws Exception {
    return ServerProcess.launch(data, adminKey, List.of(), extraArgs);
  }

  private static void killHard(ServerProcess server) throws InterruptedException {
    server.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
    assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(server.process().exitValue()).isEqualTo(137);
  }

  @Test
  void writeWhenAcknowledgedThenSurvivesKillMinus9() throws Exception {
    ServerProcess first = launch();
    Api admin = new Api(first.baseUrl(), Optional.of(adminKey));
    String projectId = admin.post("/v1/projects", Map.of("name", "durable")).expect(201).json().get("id").asText();
    String key = admin.post("/v1/projects/" + projectId + "/api-keys", Map.of("name", "k")).expect(201)
        .json().get("key").asText();
    Api api = new Api(first.baseUrl(), Optional.of(key));
    List<String> agents = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      agents.add(api.post("/v1/agents", Map.of("name", "a" + i)).expect(201).json().get("id").asText());
    }
    killHard(first);

    ServerProcess second = launch();
    try {
      Api again = new Api(second.baseUrl(), Optional.of(key));
      assertThat(new Api(second.baseUrl(), Optional.of(adminKey)).get("/v1/projects/" + projectId).expect(200)
          .json().get("name").asText()).isEqualTo("durable");
      assertThat(again.get("/v1/agents?limit=200").expect(200).ids()).containsExactlyElementsOf(agents);
    } finally {
      killHard(second);
    }
  }

  @Test
  void runWhenServerKilledMidwayThenFailedAtRestartAndItsStreamEnds() throws Exception {
    ServerProcess first = launch("--echo-delay-ms", "500");
    Api admin = new Api(first.baseUrl(), Optional.of(adminKey));
    String projectId = admin.post("/v1/projects", Map.of("name", "p")).expect(201).json().get("id").asText();
    String key = admin.post("/v1/projects/" + projectId + "/api-keys", Map.of("name", "k")).expect(201)
        .json().get("key").asText();
    Api api = new Api(first.baseUrl(), Optional.of(key));
    String agent = api.post("/v1/agents", Map.of("name", "a")).expect(201).json().get("id").asText();
    String thread = api.post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
    var response = java.net.http.HttpClient.newHttpClient().send(api.request("/v1/threads/" + thread + "/runs/stream")
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e f g h\"}]}}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    String runId = response.body().filter(l -> l.startsWith("data: ")).findFirst().map(l -> {
      try {
        return Api.JSON.readTree(l.substring(6)).get("run").get("id").asText();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).orElseThrow();
    killHard(first);

    ServerProcess second = launch();
    try {
      Api again = new Api(second.baseUrl(), Optional.of(key));
      assertThat(again.get("/v1/threads/" + thread + "/runs/" + runId).expect(200).json().get("status").asText())
          .isEqualTo("failed");
      String replay = again.get("/v1/threads/" + thread + "/runs/" + runId + "/stream").expect(200).body();
      assertThat(replay).contains("event: run.created").endsWith("\n\n").contains("event: run.failed");
    } finally {
      killHard(second);
    }
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server key acts on its own project only: every resource of another project is 404. */
class CrossProjectIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey a;
  static TestServer.ProjectKey b;
  static String agentOfA;
  static String threadOfA;
  static String runOfA;

  @BeforeAll
  static void start() {
    server = new TestServer(data);
    a = server.newProject("a");
    b = server.newProject("b");
    agentOfA = a.agent();
    threadOfA = a.thread(agentOfA);
    runOfA = a.api().post("/v1/threads/" + threadOfA + "/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", "private"))))).expect(200).json().get("id").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void agentOfAnotherProjectWhenReadUpdatedOrDeletedThenNotFound() {
    b.api().get("/v1/agents/" + agentOfA).expectError(404, "not_found");
    b.api().patch("/v1/agents/" + agentOfA, Map.of("name", "stolen")).expectError(404, "not_found");
    b.api().delete("/v1/agents/" + agentOfA).expectError(404, "not_found");
    assertThat(a.api().get("/v1/agents/" + agentOfA).expect(200).json().get("name").asText()).isEqualTo("echo");
  }

  @Test
  void threadOfAnotherProjectWhenTouchedAnyWayThenNotFound() {
    String t = "/v1/threads/" + threadOfA;
    b.api().get(t).expectError(404, "not_found");
    b.api().patch(t, Map.of("metadata", Map.of("x", 1))).expectError(404, "not_found");
    b.api().get(t + "/messages").expectError(404, "not_found");
    b.api().post(t + "/messages", Map.of("role", "user", "content", "hi")).expectError(404, "not_found");
    b.api().post(t + "/runs", Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", "x")))))
        .expectError(404, "not_found");
    b.api().post(t + "/runs/stream", Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", "x")))))
        .expectError(404, "not_found");
    b.api().get(t + "/runs/" + runOfA).expectError(404, "not_found");
    b.api().get(t + "/runs/" + runOfA + "/stream").expectError(404, "not_found");
    b.api().delete(t).expectError(404, "not_found");
    assertThat(a.api().get(t + "/messages").expect(200).ids()).hasSize(2);
  }

  @Test
  void threadWhenCreatedOnAnotherProjectsAgentThenNotFound() {
    b.api().post("/v1/threads", Map.of("agent_id", agentOfA)).expectError(404, "not_found");
  }

  @Test
  void listsAndSearchesWhenOtherProjectHasDataThenShowNoneOfIt() {
    assertThat(b.api().get("/v1/agents").expect(200).ids()).doesNotContain(agentOfA);
    assertThat(b.api().get("/v1/threads").expect(200).ids()).doesNotContain(threadOfA);
    assertThat(b.api().post("/v1/threads/search", Map.of("agent_id", agentOfA)).expect(200).ids()).isEmpty();
  }

  @Test
  void notFoundWhenResourceMissingOrForeignThenBodiesAreAlike() {
    String foreign = b.api().get("/v1/threads/" + threadOfA).expectError(404, "not_found").json().get("error").get("message").asText();
    String missing = b.api().get("/v1/threads/thr_doesnotexist").expectError(404, "not_found").json().get("error").get("message").asText();
    assertThat(foreign).isEqualTo(missing);
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents, threads, messages and runs (API.md section 4) over real HTTP. */
class AgentApiIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey p;

  @BeforeAll
  static void start() {
    server = new TestServer(data);
    p = server.newProject("agents");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void agentWhenCreatedWithoutModelThenEchoAndReadableUpdatableDeletable() {
    JsonNode agent = p.api().post("/v1/agents", Map.of("name", "helper", "system", "be brief",
        "metadata", Map.of("team", "red"))).expect(201).json();
    String id = agent.get("id").asText();
    assertThat(id).startsWith("agt_");
    assertThat(agent.get("model").asText()).isEqualTo("echo");
    assertThat(agent.get("metadata").get("team").asText()).isEqualTo("red");
    assertThat(p.api().get("/v1/agents/" + id).expect(200).json().get("system").asText()).isEqualTo("be brief");
    JsonNode patched = p.api().patch("/v1/agents/" + id, Map.of("name", "renamed")).expect(200).json();
    assertThat(patched.get("name").asText()).isEqualTo("renamed");
    assertThat(patched.get("system").asText()).isEqualTo("be brief");
    p.api().delete("/v1/agents/" + id).expect(204);
    p.api().get("/v1/agents/" + id).expectError(404, "not_found");
  }

  @Test
  void agentWhenModelUnknownThenInvalidRequestAndNotCreated() {
    int before = p.api().get("/v1/agents?limit=200").expect(200).ids().size();
    p.api().post("/v1/agents", Map.of("name", "x", "model", "gpt-99")).expectError(400, "invalid_request");
    p.api().post("/v1/agents", Map.of("name", "x", "model", "openai:")).expectError(400, "invalid_request");
    assertThat(p.api().get("/v1/agents?limit=200").expect(200).ids()).hasSize(before);
  }

  @Test
  void agentPatchWhenInvalidThenStoredAgentUnchanged() {
    String id = p.agent();
    p.api().patch("/v1/agents/" + id, Map.of("model", "nope")).expectError(400, "invalid_request");
    p.api().patch("/v1/agents/" + id, Map.of("name", "")).expectError(400, "invalid_request");
    p.api().patch("/v1/agents/" + id, Map.of("metadata", Map.of("bad key!", 1))).expectError(400, "invalid_request");
    JsonNode agent = p.api().get("/v1/agents/" + id).expect(200).json();
    assertThat(agent.get("name").asText()).isEqualTo("echo");
    assertThat(agent.get("model").asText()).isEqualTo("echo");
  }

  @Test
  void listWhenPagedThenEveryItemOnceInOrder() {
    TestServer.ProjectKey fresh = server.newProject("paging");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(fresh.agent());
    }
    List<String> seen = new ArrayList<>();
    String path = "/v1/agents?limit=2";
    int pages = 0;
    while (true) {
      JsonNode page = fresh.api().get(path).expect(200).json();
      page.get("data").forEach(a -> seen.add(a.get("id").asText()));
      pages++;
      if (page.get("next_cursor").isNull()) {
        break;
      }
      path = "/v1/agents?limit=2&after=" + page.get("next_cursor").asText();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(created);
  }

  @Test
  void threadWhenCreatedThenSearchableByMetadataAndAgent() {
    String agent = p.agent();
    String other = p.agent();
    String red = p.api().post("/v1/threads", Map.of("agent_id", agent, "metadata", Map.of("colour", "red", "n", 1)))
        .expect(201).json().get("id").asText();
    String blue = p.api().post("/v1/threads", Map.of("agent_id", agent, "metadata", Map.of("colour", "blue")))
        .expect(201).json().get("id").asText();
    String elsewhere = p.api().post("/v1/threads", Map.of("agent_id", other, "metadata", Map.of("colour", "red")))
        .expect(201).json().get("id").asText();
    assertThat(p.api().post("/v1/threads/search", Map.of("metadata", Map.of("colour", "red"), "agent_id", agent))
        .expect(200).ids()).containsExactly(red);
    assertThat(p.api().post("/v1/threads/search", Map.of("metadata", Map.of("colour", "red", "n", 1)))
        .expect(200).ids()).containsExactly(red);
    assertThat(p.api().post("/v1/threads/search", Map.of("metadata", Map.of("colour", "red")))
        .expect(200).ids()).containsExactly(red, elsewhere);
    assertThat(p.api().get("/v1/threads?agent_id=" + agent).expect(200).ids()).containsExactly(red, blue);
    assertThat(p.api().post("/v1/threads/search", Map.of("limit", 1)).expect(200).ids()).hasSize(1);
  }

  @Test
  void threadWhenAgentUnknownThenNotFoundAndNothingCreated() {
    TestServer.ProjectKey fresh = server.newProject("no-agent");
    fresh.api().post("/v1/threads", Map.of("agent_id", "agt_missing")).expectError(404, "not_found");
    fresh.api().post("/v1/threads", Map.of()).expectError(400, "invalid_request");
    assertThat(fresh.api().get("/v1/threads").expect(200).ids()).isEmpty();
  }

  @Test
  void threadPatchWhenMetadataGivenThenMergedAndNullRemovesKey() {
    String thread = p.api().post("/v1/threads", Map.of("agent_id", p.agent(), "metadata", Map.of("a", 1, "b", 2)))
        .expect(201).json().get("id").asText();
    Map<String, Object> patch = new java.util.HashMap<>();
    patch.put("b", null);
    patch.put("c", 3);
    JsonNode updated = p.api().patch("/v1/threads/" + thread, Map.of("metadata", patch)).expect(200).json();
    assertThat(updated.get("metadata")).hasSize(2);
    assertThat(updated.get("metadata").get("a").asInt()).isEqualTo(1);
    assertThat(updated.get("metadata").has("b")).isFalse();
    assertThat(updated.get("metadata").get("c").asInt()).isEqualTo(3);
  }

  @Test
  void threadWhenDeletedThenGoneWithItsMessages() {
    String thread = p.thread(p.agent());
    p.api().post("/v1/threads/" + thread + "/messages", Map.of("role", "user", "content", "hi")).expect(201);
    p.api().delete("/v1/threads/" + thread).expect(204);
    p.api().get("/v1/threads/" + thread).expectError(404, "not_found");
    p.api().get("/v1/threads/" + thread + "/messages").expectError(404, "not_found");
  }

  @Test
  void messageWhenPostedThenAppendedWithoutRunning() {
    String thread = p.thread(p.agent());
    JsonNode message = p.api().post("/v1/threads/" + thread + "/messages", Map.of("role", "user", "content", "hello"))
        .expect(201).json();
    assertThat(message.get("id").asText()).startsWith("msg_");
    JsonNode list = p.api().get("/v1/threads/" + thread + "/messages").expect(200).json();
    assertThat(list.get("data")).hasSize(1);
    assertThat(list.get("data").get(0).get("content").asText()).isEqualTo("hello");
  }

  @Test
  void messageWhenRoleNotUserOrContentEmptyThenInvalidRequest() {
    String thread = p.thread(p.agent());
    p.api().post("/v1/threads/" + thread + "/messages", Map.of("role", "assistant", "content", "x"))
        .expectError(400, "invalid_request");
    p.api().post("/v1/threads/" + thread + "/messages", Map.of("role", "user", "content", ""))
        .expectError(400, "invalid_request");
    assertThat(p.api().get("/v1/threads/" + thread + "/messages").expect(200).ids()).isEmpty();
  }

  @Test
  void runWhenPostedThenFinishedRunWithEchoOutput() {
    String thread = p.thread(p.agent());
    JsonNode run = p.api().post("/v1/threads/" + thread + "/runs",
        Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", "hello world"))))).expect(200).json();
    assertThat(run.get("id").asText()).startsWith("run_");
    assertThat(run.get("thread_id").asText()).isEqualTo(thread);
    assertThat(run.get("status").asText()).isEqualTo("completed");
    assertThat(run.get("output").get("messages").get(0).get("content").asText()).isEqualTo("echo: hello world");
    assertThat(run.get("output").get("messages").get(0).get("role").asText()).isEqualTo("assistant");
    JsonNode fetched = p.api().get("/v1/threads/" + thread + "/runs/" + run.get("id").asText()).expect(200).json();
    assertThat(fetched.get("output")).isEqualTo(run.get("output"));
    assertThat(p.api().get("/v1/threads/" + thread + "/messages").expect(200).json().get("data")).hasSize(2);
  }

  @Test
  void runWhenInputMissingOrInvalidThenInvalidRequestAndNoRunStored() {
    String thread = p.thread(p.agent());
    String path = "/v1/threads/" + thread + "/runs";
    p.api().post(path, Map.of()).expectError(400, "invalid_request");
    p.api().post(path, Map.of("input", Map.of("messages", List.of()))).expectError(400, "invalid_request");
    p.api().post(path, Map.of("input", Map.of("messages", List.of(Map.of("role", "system", "content", "x")))))
        .expectError(400, "invalid_request");
    p.api().post(path, Map.of("input", Map.of("messages", "hello"))).expectError(400, "invalid_request");
    assertThat(p.api().get("/v1/threads/" + thread + "/messages").expect(200).ids()).isEmpty();
  }

  @Test
  void runWhenUnknownThenNotFound() {
    String thread = p.thread(p.agent());
    p.api().get("/v1/threads/" + thread + "/runs/run_nope").expectError(404, "not_found");
    p.api().post("/v1/threads/thr_nope/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", "x"))))).expectError(404, "not_found");
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser-style flow of the workspace-token issue: a backend (server key) mints a token for
 * "alice"; her frontend creates threads and chats in them with it; another workspace, "bob",
 * sees none of it, and neither can touch agents or the owner stamp (API.md section 7, point 3).
 */
class BrowserFlowIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey backend;
  static String agent;
  static Api alice;
  static String bobToken;
  static Api bob;
  static List<String> aliceThreads;
  static Map<String, String> aliceRuns = new HashMap<>();

  @BeforeAll
  static void aliceChatsInTwoThreads() {
    server = new TestServer(data);
    backend = server.newProject("app");
    agent = backend.agent();
    alice = server.api(backend.workspaceToken("alice"));
    bobToken = backend.workspaceToken("bob");
    bob = server.api(bobToken);

    aliceThreads = List.of(newThread(alice), newThread(alice));
    for (String thread : aliceThreads) {
      JsonNode run = alice.post("/v1/threads/" + thread + "/runs", chat("hello from alice")).expect(200).json();
      assertThat(run.get("status").asText()).isEqualTo("completed");
      aliceRuns.put(thread, run.get("id").asText());
      assertThat(alice.get("/v1/threads/" + thread + "/messages").expect(200).json().get("data")).isNotEmpty();
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String newThread(Api api) {
    JsonNode thread = api.post("/v1/threads", Map.of("agent_id", agent)).expect(201).json();
    return thread.get("id").asText();
  }

  private static Map<String, Object> chat(String text) {
    return Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", text))));
  }

  @Test
  void threadsWhenCreatedWithAWorkspaceTokenThenStampedWithItsOwner() {
    for (String thread : aliceThreads) {
      assertThat(alice.get("/v1/threads/" + thread).expect(200).json().get("metadata").get("owner").asText())
          .isEqualTo("alice");
    }
  }

  @Test
  void listWhenAnotherWorkspaceThenNoneOfAlicesThreads() {
    String bobs = newThread(bob);
    Api.Reply listed = bob.get("/v1/threads?limit=200").expect(200);
    assertThat(listed.ids()).contains(bobs).doesNotContainAnyElementsOf(aliceThreads);
    listed.json().get("data").forEach(t -> assertThat(t.get("metadata").get("owner").asText()).isEqualTo("bob"));
    assertThat(bob.post("/v1/threads/search", Map.of("limit", 200)).expect(200).ids())
        .contains(bobs).doesNotContainAnyElementsOf(aliceThreads);
    assertThat(bob.post("/v1/threads/search", Map.of("metadata", Map.of("owner", "alice"))).expect(200).ids()).isEmpty();
  }

  @Test
  void everyThreadRouteWhenAnotherWorkspaceThenNotFound() {
    for (String thread : aliceThreads) {
      String t = "/v1/threads/" + thread;
      String run = t + "/runs/" + aliceRuns.get(thread);
      bob.get(t).expectError(404, "not_found");
      bob.get(t + "/messages").expectError(404, "not_found");
      bob.get(run).expectError(404, "not_found");
      bob.get(run + "/stream").expectError(404, "not_found");
      // As a browser's EventSource asks: the token in the URL, no Authorization header.
      server.anonymous().send(server.anonymous().request(run + "/stream?token=" + bobToken)
          .header("Accept", "text/event-stream").GET()).expect(404);
      bob.patch(t, Map.of("metadata", Map.of("topic", "stolen"))).expectError(404, "not_found");
      bob.post(t + "/messages", Map.of("role", "user", "content", "hi")).expectError(404, "not_found");
      bob.post(t + "/runs", chat("hi")).expectError(404, "not_found");
      bob.delete(t).expectError(404, "not_found");
      // Still there, untouched, for alice.
      JsonNode kept = alice.get(t).expect(200).json();
      assertThat(kept.get("metadata").has("topic")).isFalse();
    }
  }

  @Test
  void agentsWhenWorkspaceTokenThenReadableButNotCreatableOrChangeable() {
    bob.get("/v1/agents/" + agent).expect(200);
    assertThat(bob.get("/v1/agents").expect(200).ids()).contains(agent);
    bob.post("/v1/agents", Map.of("name", "mine")).expectError(403, "forbidden");
    alice.patch("/v1/agents/" + agent, Map.of("name", "renamed")).expectError(403, "forbidden");
    alice.delete("/v1/agents/" + agent).expectError(403, "forbidden");
    assertThat(backend.api().get("/v1/agents/" + agent).expect(200).json().get("name").asText()).isEqualTo("echo");
  }

  @Test
  void ownerWhenAliceSetsItOnCreateOrChangesItByPatchThenForbidden() {
    int before = alice.get("/v1/threads?limit=200").expect(200).ids().size();
    alice.post("/v1/threads", Map.of("agent_id", agent, "metadata", Map.of("owner", "bob")))
        .expectError(403, "forbidden");
    alice.post("/v1/threads", Map.of("agent_id", agent, "metadata", Map.of("owner", "alice")))
        .expectError(403, "forbidden");
    assertThat(alice.get("/v1/threads?limit=200").expect(200).ids()).hasSize(before);

    String thread = aliceThreads.getFirst();
    alice.patch("/v1/threads/" + thread, Map.of("metadata", Map.of("owner", "bob"))).expectError(403, "forbidden");
    Map<String, Object> removeOwner = new HashMap<>();
    removeOwner.put("owner", null);
    alice.patch("/v1/threads/" + thread, Map.of("metadata", removeOwner)).expectError(403, "forbidden");
    JsonNode patched = alice.patch("/v1/threads/" + thread, Map.of("metadata", Map.of("title", "plans")))
        .expect(200).json();
    assertThat(patched.get("metadata").get("owner").asText()).isEqualTo("alice");
    assertThat(patched.get("metadata").get("title").asText()).isEqualTo("plans");
  }

  @Test
  void searchWhenAliceThenOnlyHerThreadsWhileTheServerKeySeesAll() {
    String backendThread = backend.thread(agent); // made by the backend itself: no owner
    String bobs = newThread(bob);

    assertThat(alice.post("/v1/threads/search", Map.of("limit", 200)).expect(200).ids())
        .containsExactlyInAnyOrderElementsOf(aliceThreads);
    assertThat(alice.get("/v1/threads?agent_id=" + agent + "&limit=200").expect(200).ids())
        .containsExactlyInAnyOrderElementsOf(aliceThreads);
    assertThat(alice.post("/v1/threads/search", Map.of("metadata", Map.of("owner", "bob"))).expect(200).ids())
        .isEmpty();
    alice.get("/v1/threads/" + backendThread).expectError(404, "not_found");

    assertThat(backend.api().get("/v1/threads?limit=200").expect(200).ids())
        .containsAll(aliceThreads).contains(backendThread, bobs);
    assertThat(backend.api().post("/v1/threads/search", Map.of("metadata", Map.of("owner", "alice"), "limit", 200))
        .expect(200).ids()).containsExactlyInAnyOrderElementsOf(aliceThreads);
    for (String thread : aliceThreads) {
      backend.api().get("/v1/threads/" + thread + "/runs/" + aliceRuns.get(thread)).expect(200);
    }
  }
}

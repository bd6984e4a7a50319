package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario of LangGraph's authorization tutorial ({@code ../shared/seeds/004_*}) over HTTP:
 * Alice and Bob chat in private threads, first under the built-in rule set, then under the
 * tutorial's scoped rules given as a policy file.
 */
class LangGraphScenarioIT {

  /** The tutorial's rules: threads private to their creator, assistants off limits to users. */
  static final String SCOPED_RULES = """
      rules:
        - name: threads-are-private
          on: threads
          when: principal.kind == "workspace"
          metadata: {owner: principal.workspace_id}
          filter: {owner: principal.workspace_id}
        - name: users-cannot-touch-agents
          on: agents
          when: principal.kind == "workspace"
          deny: "User lacks the required permissions."
      """;

  @TempDir Path data;

  @Test
  void chatWhenBuiltInRulesThenEachUserSeesOnlyOwnThreads() {
    try (TestServer server = new TestServer(data)) {
      TestServer.ProjectKey backend = server.newProject("chat");
      String agent = backend.agent();
      Api alice = server.api(backend.workspaceToken("alice"));
      Api bob = server.api(backend.workspaceToken("bob"));

      String aliceThread = chat(alice, agent, "hello from alice");
      String bobThread = chat(bob, agent, "hello from bob");

      bob.get("/v1/threads/" + aliceThread).expectError(404, "not_found");
      bob.get("/v1/threads/" + aliceThread + "/messages").expectError(404, "not_found");
      bob.post("/v1/threads/" + aliceThread + "/messages", Map.of("role", "user", "content", "hi"))
          .expectError(404, "not_found");
      assertThat(alice.get("/v1/threads").expect(200).ids()).containsExactly(aliceThread);
      assertThat(bob.post("/v1/threads/search", Map.of()).expect(200).ids()).containsExactly(bobThread);
      // The built-in rule set lets users read the project's agents but not create them.
      assertThat(alice.get("/v1/agents").expect(200).ids()).containsExactly(agent);
      alice.post("/v1/agents", Map.of("name", "mine")).expectError(403, "forbidden");
    }
  }

  @Test
  void chatWhenScopedRulesThenAgentsDeniedAndThreadsStillPrivate() throws IOException {
    Path policy = Files.writeString(data.resolve("policy.yaml"), SCOPED_RULES);
    try (TestServer server = new TestServer(data, Map.of("policy", policy.toString()))) {
      TestServer.ProjectKey backend = server.newProject("chat");
      String agent = backend.agent();
      Api alice = server.api(backend.workspaceToken("alice"));
      Api bob = server.api(backend.workspaceToken("bob"));

      String aliceThread = chat(alice, agent, "hello from alice");
      String bobThread = chat(bob, agent, "hello from bob");

      bob.get("/v1/threads/" + aliceThread).expectError(404, "not_found");
      assertThat(alice.post("/v1/threads/search", Map.of()).expect(200).ids()).containsExactly(aliceThread);
      assertThat(bob.get("/v1/threads").expect(200).ids()).containsExactly(bobThread);
      alice.post("/v1/agents", Map.of("name", "mine")).expectError(403, "forbidden");
      alice.get("/v1/agents").expectError(403, "forbidden");
      // The server key is outside both rules: it sees every thread of its project.
      assertThat(backend.api().get("/v1/threads").expect(200).ids()).containsExactlyInAnyOrder(aliceThread, bobThread);
    }
  }

  /** Creates a thread and runs the echo agent on {@code text} in it; returns the thread id. */
  private static String chat(Api user, String agent, String text) {
    String thread = user.post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
    user.post("/v1/threads/" + thread + "/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", text))))).expect(200);
    List<String> contents = user.get("/v1/threads/" + thread + "/messages").expect(200).json().get("data")
        .findValuesAsText("content");
    assertThat(contents).containsExactly(text, "echo: " + text);
    return thread;
  }
}

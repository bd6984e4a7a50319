package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy rule's {@code when} reads the resource (API.md section 7): on create the request
 * body, which the route must still be able to read afterwards; otherwise the stored object.
 */
class PolicyResourceIT {

  @TempDir Path data;

  @Test
  void createWhenRuleReadsTheBodyThenTheRouteStillReadsItAndTheRuleDecidesOnIt() throws IOException {
    // The rules name an agent, so a first start without them creates it.
    String archived;
    String active;
    String adminKey;
    TestServer.ProjectKey backend;
    try (TestServer first = new TestServer(data)) {
      adminKey = first.adminKey;
      backend = first.newProject("archive");
      archived = backend.agent();
      active = backend.agent();
    }
    Path policy = Files.writeString(data.resolve("policy.yaml"), """
        rules:
          - name: no-threads-on-archived-agents
            on: threads.create
            when: resource.agent_id == "%s"
            deny: "That agent is archived."
          - name: stamp-owner
            on: threads.create
            when: principal.workspace_id != ""
            metadata: {owner: principal.workspace_id}
          - name: only-the-owner-renames
            on: threads.update
            when: resource.metadata.owner != principal.workspace_id
            deny: "Only the owner changes a thread."
        """.formatted(archived));
    try (TestServer server = new TestServer(data, Map.of("policy", policy.toString()), adminKey)) {
      Api project = server.api(backend.key());
      TestServer.ProjectKey restarted =
          new TestServer.ProjectKey(backend.projectId(), backend.keyId(), backend.key(), project);
      Api alice = server.api(restarted.workspaceToken("alice"));
      Api bob = server.api(restarted.workspaceToken("bob"));

      JsonNode created = alice.post("/v1/threads", Map.of("agent_id", active, "metadata", Map.of("topic", "x")))
          .expect(201).json();
      assertThat(created.get("agent_id").asText()).isEqualTo(active);
      assertThat(created.get("metadata").get("topic").asText()).isEqualTo("x");
      assertThat(created.get("metadata").get("owner").asText()).isEqualTo("alice");

      Api.Reply refused = alice.post("/v1/threads", Map.of("agent_id", archived)).expectError(403, "forbidden");
      assertThat(refused.json().get("error").get("message").asText()).isEqualTo("That agent is archived.");

      String thread = created.get("id").asText();
      alice.patch("/v1/threads/" + thread, Map.of("metadata", Map.of("topic", "y"))).expect(200);
      bob.patch("/v1/threads/" + thread, Map.of("metadata", Map.of("topic", "z")))
          .expectError(403, "forbidden");
      assertThat(project.get("/v1/threads/" + thread).expect(200).json().get("metadata").get("topic").asText())
          .isEqualTo("y");
    }
  }

  /** A 403 would confirm that another user's thread exists; it must be the 404 of a read. */
  @Test
  void denyWhenTheCallerCannotReadTheResourceThenNotFoundAndWhenItCanThenForbidden() throws IOException {
    Path policy = Files.writeString(data.resolve("policy.yaml"), """
        rules:
          - name: threads-are-private
            on: threads
            when: principal.workspace_id != ""
            metadata: {owner: principal.workspace_id}
            filter: {owner: principal.workspace_id}
          - name: users-never-delete
            on: threads.delete
            when: principal.workspace_id != ""
            deny: "Threads are kept."
        """);
    try (TestServer server = new TestServer(data, Map.of("policy", policy.toString()))) {
      TestServer.ProjectKey backend = server.newProject("kept");
      String agent = backend.agent();
      Api alice = server.api(backend.workspaceToken("alice"));
      Api bob = server.api(backend.workspaceToken("bob"));
      String thread = alice.post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();

      bob.delete("/v1/threads/" + thread).expectError(404, "not_found");
      Api.Reply forbidden = alice.delete("/v1/threads/" + thread).expectError(403, "forbidden");
      assertThat(forbidden.json().get("error").get("message").asText()).isEqualTo("Threads are kept.");
      alice.get("/v1/threads/" + thread).expect(200);
    }
  }

  /** PATCH replaces an agent's metadata, but not the keys a rule stamps (API.md section 7). */
  @Test
  void patchAgentWhenRuleStampsAKeyThenTheCallerCannotSetItAndReplacingKeepsIt() throws IOException {
    Path policy = Files.writeString(data.resolve("policy.yaml"), """
        rules:
          - name: agents-are-blue
            on: agents
            metadata: {team: "'blue'"}
        """);
    try (TestServer server = new TestServer(data, Map.of("policy", policy.toString()))) {
      Api backend = server.newProject("blue").api();
      String agent = backend.post("/v1/agents", Map.of("name", "a", "metadata", Map.of("kind", "chat")))
          .expect(201).json().get("id").asText();

      JsonNode replaced = backend.patch("/v1/agents/" + agent, Map.of("metadata", Map.of("tier", "gold")))
          .expect(200).json();
      assertThat(replaced.get("metadata").properties()).extracting(Map.Entry::getKey)
          .containsExactlyInAnyOrder("tier", "team");
      assertThat(replaced.get("metadata").get("team").asText()).isEqualTo("blue");

      backend.patch("/v1/agents/" + agent, Map.of("metadata", Map.of("team", "red"))).expectError(403, "forbidden");
      assertThat(backend.get("/v1/agents/" + agent).expect(200).json().get("metadata").get("team").asText())
          .isEqualTo("blue");
    }
  }
}

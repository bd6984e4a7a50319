package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/authz/explain agrees with what the same request really gets (API.md section 7). */
class ExplainIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey p;
  static String agent;
  static String alice;
  static String aliceThread;

  @BeforeAll
  static void start() {
    server = new TestServer(data);
    p = server.newProject("explain");
    agent = p.agent();
    alice = p.workspaceToken("alice");
    aliceThread = server.api(alice).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode explain(String credential, String resource, String action, String id) {
    Map<String, Object> body = new HashMap<>(Map.of("credential", credential, "resource", resource, "action", action));
    if (id != null) {
      body.put("id", id);
    }
    return p.api().post("/v1/authz/explain", body).expect(200).json();
  }

  @Test
  void explainWhenOwnThreadThenAllowWithRuleAndFilterAsTheRealRead() {
    JsonNode answer = explain(alice, "threads", "read", aliceThread);
    assertThat(answer.get("decision").asText()).isEqualTo("allow");
    assertThat(answer.get("rule").asText()).isEqualTo("threads-are-private");
    assertThat(answer.get("filter").get("owner").get("$eq").asText()).isEqualTo("alice");
    server.api(alice).get("/v1/threads/" + aliceThread).expect(200);
  }

  @Test
  void explainWhenAnotherWorkspacesThreadThenNotFoundAsTheRealRead() {
    String bob = p.workspaceToken("bob");
    assertThat(explain(bob, "threads", "read", aliceThread).get("decision").asText()).isEqualTo("not_found");
    server.api(bob).get("/v1/threads/" + aliceThread).expectError(404, "not_found");
  }

  @Test
  void explainWhenWorkspaceCreatesAgentThenDenyAsTheRealCreate() {
    JsonNode answer = explain(alice, "agents", "create", null);
    assertThat(answer.get("decision").asText()).isEqualTo("deny");
    assertThat(answer.get("rule").asText()).isEqualTo("users-cannot-touch-agents");
    assertThat(answer.get("filter").isNull()).isTrue();
    server.api(alice).post("/v1/agents", Map.of("name", "x")).expectError(403, "forbidden");
  }

  @Test
  void explainWhenCredentialInvalidThenDenyNamingTheCodeWithoutTheSecret() {
    JsonNode answer = explain("pc_sk_not-a-real-key", "threads", "read", null);
    assertThat(answer.get("decision").asText()).isEqualTo("deny");
    assertThat(answer.get("reasons").toString()).contains("invalid_token").doesNotContain("not-a-real-key");
  }

  @Test
  void explainWhenUnknownResourceOrFromWorkspaceTokenThenRefused() {
    p.api().post("/v1/authz/explain", Map.of("resource", "nope", "action", "read")).expectError(400, "invalid_request");
    server.api(alice).post("/v1/authz/explain", Map.of("resource", "threads", "action", "read"))
        .expectError(403, "forbidden");
  }
}

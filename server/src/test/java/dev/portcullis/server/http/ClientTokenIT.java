package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Client-side tokens over HTTP (API.md section 5): minting, the access table, origins, expiry, revocation. */
class ClientTokenIT {

  static final String APP = "https://app.example.com";

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey project;
  static TestServer.ProjectKey other;
  static String agentA;
  static String agentB;
  static String threadA;
  static String threadB;
  static String otherAgent;

  @BeforeAll
  static void start() {
    server = new TestServer(data, Map.of("allowed-origins", "https://configured.example"));
    project = server.newProject("client-tokens");
    other = server.newProject("other");
    agentA = project.agent();
    agentB = project.agent();
    threadA = project.thread(agentA);
    threadB = project.thread(agentB);
    otherAgent = other.agent();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, Object> grant(String type, String id, String... access) {
    return Map.of("type", type, "id", id, "access", List.of(access));
  }

  /** Mints a token with {@code policy}; returns its value. */
  @SafeVarargs
  static String mint(Map<String, Object>... policy) {
    return project.api().post("/v1/client-tokens", Map.of("policy", List.of(policy))).expect(201).json()
        .get("token").asText();
  }

  static Api as(String token) {
    return server.api(token);
  }

  // Minting.

  @Test
  void mintWhenValidThenSecretOnceDefaultFiveMinutesAndListedWithoutIt() {
    Instant before = Instant.now();
    JsonNode minted = project.api().post("/v1/client-tokens", Map.of("policy",
        List.of(grant("agent", agentA, "read_messages", "write_messages")), "hostname", "HTTPS://App.Example.com:443"))
        .expect(201).json();
    String token = minted.get("token").asText();
    assertThat(token).startsWith("pc_ck_");
    assertThat(minted.get("id").asText()).startsWith("ctk_");
    assertThat(minted.get("hostname").asText()).isEqualTo(APP);
    assertThat(minted.get("policy").get(0).get("access")).hasSize(2);
    Instant expires = Instant.parse(minted.get("expires_at").asText());
    assertThat(Duration.between(before, expires)).isBetween(Duration.ofMinutes(5).minusSeconds(1),
        Duration.ofMinutes(5).plusSeconds(5));

    String listed = project.api().get("/v1/client-tokens?limit=200").expect(200).body();
    assertThat(listed).contains(minted.get("id").asText()).doesNotContain(token).doesNotContain(token.substring(6));
    assertThat(other.api().get("/v1/client-tokens").expect(200).body()).doesNotContain(minted.get("id").asText());
  }

  static Stream<Arguments> badMints() {
    String future = Instant.now().plus(Duration.ofHours(1)).toString();
    return Stream.of(
        Arguments.of("no policy", Map.of(), "policy must list at least one grant."),
        Arguments.of("empty policy", Map.of("policy", List.of()), "policy must list at least one grant."),
        Arguments.of("unknown type", Map.of("policy", List.of(grant("tool", "agt_x", "read_agent"))),
            "policy[0].type must be agent or thread."),
        Arguments.of("unknown access", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent", "fly"))),
            "policy[0].access has \"fly\""),
        Arguments.of("agent access on a thread", Map.of("policy", List.of(grant("thread", "THREAD_A", "read_agent"))),
            "policy[0].access has \"read_agent\", which a thread grant cannot hold"),
        Arguments.of("empty access", Map.of("policy", List.of(grant("agent", "AGENT_A"))),
            "policy[0].access must list at least one access."),
        Arguments.of("missing agent", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent"),
            grant("agent", "agt_missing", "read_agent"))), "policy[1] names an agent that does not exist in this project."),
        Arguments.of("another project's agent", Map.of("policy", List.of(grant("agent", "OTHER_AGENT", "read_agent"))),
            "policy[0] names an agent that does not exist in this project."),
        Arguments.of("missing thread", Map.of("policy", List.of(grant("thread", "thr_missing", "read_messages"))),
            "policy[0] names a thread that does not exist in this project."),
        Arguments.of("expires_at in the past", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent")),
            "expires_at", "2020-01-01T00:00:00Z"), "expires_at must be in the future."),
        Arguments.of("expires_at unparseable", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent")),
            "expires_at", "tomorrow"), "expires_at must be an RFC 3339 time"),
        Arguments.of("expires_at beyond the maximum", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent")),
            "expires_at", Instant.now().plus(Duration.ofDays(31)).toString()), "expires_at may be at most 30 days ahead."),
        Arguments.of("hostname with a path", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent")),
            "hostname", "https://app.example.com/chat", "expires_at", future), "hostname must be scheme://host[:port]"),
        Arguments.of("hostname without a scheme", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent")),
            "hostname", "app.example.com"), "hostname must start with https:// or http://."),
        Arguments.of("unknown field", Map.of("policy", List.of(grant("agent", "AGENT_A", "read_agent")), "scope", "x"),
            "Unknown field \"scope\"."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badMints")
  void mintWhenBadInputThen400NamingTheEntryAndNothingStored(String name, Map<String, Object> body, String message) {
    String before = project.api().get("/v1/client-tokens?limit=200").expect(200).body();
    Api.Reply refused = project.api().post("/v1/client-tokens", resolve(body)).expectError(400, "invalid_request");
    assertThat(refused.json().get("error").get("message").asText()).startsWith(message);
    assertThat(project.api().get("/v1/client-tokens?limit=200").expect(200).body()).isEqualTo(before);
  }

  /** The table is built before the fixtures exist; placeholders name them. */
  @SuppressWarnings("unchecked")
  private static Object resolve(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new HashMap<>();
      map.forEach((k, v) -> out.put((String) k, resolve(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(ClientTokenIT::resolve).toList();
    }
    return switch (String.valueOf(value)) {
      case "AGENT_A" -> agentA;
      case "THREAD_A" -> threadA;
      case "OTHER_AGENT" -> otherAgent;
      default -> value;
    };
  }

  @Test
  void mintWhenNotAServerKeyThenForbidden() {
    String token = mint(grant("agent", agentA, "read_agent", "write_agent", "read_messages", "write_messages"));
    as(token).post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent"))))
        .expectError(403, "forbidden");
    server.admin.post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent"))))
        .expectError(403, "forbidden");
    server.api(project.workspaceToken("ws")).get("/v1/client-tokens").expectError(403, "forbidden");
  }

  // The access table of API.md section 5.

  @Test
  void readAgentWhenGrantedThenGetAndListThatAgentOnlyAndNothingMore() {
    Api token = as(mint(grant("agent", agentA, "read_agent")));
    assertThat(token.get("/v1/agents/" + agentA).expect(200).json().get("id").asText()).isEqualTo(agentA);
    assertThat(token.get("/v1/agents").expect(200).ids()).containsExactly(agentA);
    token.get("/v1/agents/" + agentB).expectError(404, "not_found");
    token.get("/v1/agents/" + otherAgent).expectError(404, "not_found");
    token.patch("/v1/agents/" + agentA, Map.of("name", "renamed")).expectError(403, "insufficient_scope");
    token.get("/v1/threads/" + threadA).expectError(404, "not_found");
    assertThat(token.get("/v1/threads").expect(200).ids()).isEmpty();
  }

  @Test
  void writeAgentWhenGrantedThenPatchThatAgentOnly() {
    Api token = as(mint(grant("agent", agentB, "read_agent", "write_agent")));
    token.patch("/v1/agents/" + agentB, Map.of("metadata", Map.of("renamed", "yes"))).expect(200);
    token.patch("/v1/agents/" + agentA, Map.of("name", "x")).expectError(404, "not_found");
    token.delete("/v1/agents/" + agentB).expectError(403, "insufficient_scope");
    token.post("/v1/agents", Map.of("name", "mine")).expectError(403, "insufficient_scope");
  }

  @Test
  void readMessagesWhenGrantedOnAnAgentThenItsThreadsAreReadableButNotWritable() {
    Api token = as(mint(grant("agent", agentA, "read_messages")));
    token.get("/v1/threads/" + threadA).expect(200);
    token.get("/v1/threads/" + threadA + "/messages").expect(200);
    assertThat(token.get("/v1/threads").expect(200).ids()).contains(threadA).doesNotContain(threadB);
    assertThat(token.post("/v1/threads/search", Map.of()).expect(200).ids()).contains(threadA).doesNotContain(threadB);
    token.get("/v1/threads/" + threadB).expectError(404, "not_found");
    token.post("/v1/threads/" + threadA + "/messages", Map.of("role", "user", "content", "hi"))
        .expectError(403, "insufficient_scope");
    token.post("/v1/threads/" + threadA + "/runs", run("hi")).expectError(403, "insufficient_scope");
    token.post("/v1/threads", Map.of("agent_id", agentA)).expectError(403, "insufficient_scope");
    token.get("/v1/agents/" + agentA).expectError(404, "not_found");
  }

  @Test
  void writeMessagesWhenGrantedOnAnAgentThenCreatesChatsAndRunsOnItsThreadsOnly() {
    Api token = as(mint(grant("agent", agentA, "read_messages", "write_messages")));
    String thread = token.post("/v1/threads", Map.of("agent_id", agentA)).expect(201).json().get("id").asText();
    token.post("/v1/threads/" + thread + "/runs", run("hello")).expect(200);
    assertThat(token.get("/v1/threads/" + thread + "/messages").expect(200).json().get("data").findValuesAsText("content"))
        .containsExactly("hello", "echo: hello");
    token.post("/v1/threads", Map.of("agent_id", agentB)).expectError(403, "insufficient_scope");
    token.post("/v1/threads/" + threadB + "/runs", run("x")).expectError(404, "not_found");
    token.delete("/v1/threads/" + thread).expectError(403, "insufficient_scope");
  }

  @Test
  void threadGrantWhenGivenThenThatThreadOnlyAndNeverANewOne() {
    String sibling = project.thread(agentA);
    Api token = as(mint(grant("thread", threadA, "read_messages", "write_messages")));
    token.get("/v1/threads/" + threadA).expect(200);
    token.post("/v1/threads/" + threadA + "/messages", Map.of("role", "user", "content", "hi")).expect(201);
    assertThat(token.get("/v1/threads").expect(200).ids()).containsExactly(threadA);
    token.get("/v1/threads/" + sibling).expectError(404, "not_found");
    token.post("/v1/threads", Map.of("agent_id", agentA)).expectError(403, "insufficient_scope");
  }

  @Test
  void clientTokenWhenUsedOnKeysTokensRulesProjectsOrAuditThenForbidden() {
    Api token = as(mint(grant("agent", agentA, "read_agent", "write_agent", "read_messages", "write_messages")));
    token.get("/v1/projects").expectError(403, "forbidden");
    token.get("/v1/projects/" + project.projectId() + "/api-keys").expectError(403, "forbidden");
    token.get("/v1/client-tokens").expectError(403, "forbidden");
    token.post("/v1/workspace-tokens", Map.of("workspace_id", "w")).expectError(403, "forbidden");
    token.get("/v1/auth-rules").expectError(403, "forbidden");
    token.get("/v1/audit").expectError(403, "forbidden");
    JsonNode me = token.get("/v1/me").expect(200).json();
    assertThat(me.get("kind").asText()).isEqualTo("client");
    assertThat(me.get("project_id").asText()).isEqualTo(project.projectId());
  }

  // Origins.

  @Test
  void boundTokenWhenOriginMatchesThenAllowedAndTheResponseNamesOnlyThatOrigin() {
    String token = project.api().post("/v1/client-tokens", Map.of("policy",
        List.of(grant("agent", agentA, "read_agent")), "hostname", APP)).expect(201).json().get("token").asText();
    Api.Reply ok = as(token).withHeader("Origin", "https://APP.example.com").get("/v1/agents/" + agentA).expect(200);
    assertThat(ok.header("Access-Control-Allow-Origin")).contains(APP);
    as(token).withHeader("Referer", APP + "/chat?x=1").get("/v1/agents/" + agentA).expect(200);

    Api.Reply wrong = as(token).withHeader("Origin", "https://evil.example").get("/v1/agents/" + agentA)
        .expectError(403, "origin_not_allowed");
    assertThat(wrong.header("Access-Control-Allow-Origin")).isEmpty();
    as(token).withHeader("Origin", "http://app.example.com").get("/v1/agents/" + agentA)
        .expectError(403, "origin_not_allowed");
    as(token).get("/v1/agents/" + agentA).expectError(403, "origin_not_allowed");
  }

  @Test
  void preflightWhenOriginIsALiveTokensHostnameOrConfiguredThenAnsweredElseRefused() {
    String bound = "https://preflight.example";
    project.api().post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent")),
        "hostname", bound)).expect(201);
    for (String origin : List.of(bound, "https://configured.example")) {
      Api.Reply answered = preflight(origin);
      assertThat(answered.status()).isEqualTo(204);
      assertThat(answered.header("Access-Control-Allow-Origin")).contains(origin);
      assertThat(answered.header("Access-Control-Allow-Headers").orElseThrow()).contains("Authorization");
    }
    Api.Reply refused = preflight("https://stranger.example");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("error").get("code").asText()).isEqualTo("origin_not_allowed");
    assertThat(refused.header("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void preflightWhenTheOnlyTokenOfThatHostnameIsRevokedThenRefusedWithinTheCacheSecond() throws InterruptedException {
    String host = "https://short-lived.example";
    String id = project.api().post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent")),
        "hostname", host)).expect(201).json().get("id").asText();
    assertThat(preflight(host).status()).isEqualTo(204);
    project.api().delete("/v1/client-tokens/" + id).expect(204);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (preflight(host).status() != 403) {
      assertThat(System.nanoTime()).as("preflight still answered").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static Api.Reply preflight(String origin) {
    return server.anonymous().send(server.anonymous().request("/v1/agents")
        .header("Origin", origin).header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
  }

  // Expiry and revocation.

  @Test
  void tokenWhenPastExpiresAtThenTokenExpired() throws InterruptedException {
    Instant expiresAt = Instant.now().plusSeconds(2);
    String token = project.api().post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent")),
        "expires_at", expiresAt.toString())).expect(201).json().get("token").asText();
    as(token).get("/v1/agents/" + agentA).expect(200);
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 1100);
    Api.Reply expired = as(token).get("/v1/agents/" + agentA).expectError(401, "token_expired");
    assertThat(expired.header("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
  }

  @Test
  void revokeWhenByIdOrByValueThenRefusedAtOnceAndGoneFromTheList() {
    JsonNode first = project.api().post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent"))))
        .expect(201).json();
    as(first.get("token").asText()).get("/v1/agents/" + agentA).expect(200);
    project.api().delete("/v1/client-tokens/" + first.get("id").asText()).expect(204);
    as(first.get("token").asText()).get("/v1/agents/" + agentA).expectError(401, "token_revoked");
    assertThat(project.api().get("/v1/client-tokens?limit=200").expect(200).body()).doesNotContain(first.get("id").asText());
    project.api().delete("/v1/client-tokens/" + first.get("id").asText()).expectError(404, "not_found");

    String second = mint(grant("agent", agentA, "read_agent"));
    as(second).get("/v1/agents/" + agentA).expect(200);
    other.api().post("/v1/client-tokens/revoke", Map.of("token", second)).expectError(404, "not_found");
    as(second).get("/v1/agents/" + agentA).expect(200);
    project.api().post("/v1/client-tokens/revoke", Map.of("token", second)).expect(204);
    as(second).get("/v1/agents/" + agentA).expectError(401, "token_revoked");
    project.api().post("/v1/client-tokens/revoke", Map.of("token", "pc_ck_nope")).expectError(400, "invalid_request");
  }

  @Test
  void revokeWhenAnotherProjectsTokenIdThenNotFoundAndTheTokenStillWorks() {
    JsonNode minted = project.api().post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent"))))
        .expect(201).json();
    other.api().delete("/v1/client-tokens/" + minted.get("id").asText()).expectError(404, "not_found");
    as(minted.get("token").asText()).get("/v1/agents/" + agentA).expect(200);
  }

  @Test
  void auditWhenMintedAndRevokedThenRecordedWithoutTheSecret() {
    JsonNode minted = project.api().post("/v1/client-tokens", Map.of("policy", List.of(grant("agent", agentA, "read_agent"))))
        .expect(201).json();
    project.api().delete("/v1/client-tokens/" + minted.get("id").asText()).expect(204);
    assertThat(server.server.audit().flush(Duration.ofSeconds(5))).isTrue();
    String audit = project.api().get("/v1/audit?limit=200").expect(200).body();
    assertThat(audit).contains("client_token.created", "client_token.revoked", minted.get("id").asText())
        .doesNotContain(minted.get("token").asText().substring(6));
  }

  static Map<String, Object> run(String text) {
    return Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", text))));
  }
}

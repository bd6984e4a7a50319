package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/audit} and the events the server records (failures, denials, creations, revocations). */
class AuditIT {

  @TempDir static Path data;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(data);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Every event {@code api} may read, after the queue has been written out. */
  private static List<JsonNode> events(Api api) {
    assertThat(server.server.audit().flush(Duration.ofSeconds(5))).isTrue();
    List<JsonNode> all = new ArrayList<>();
    String path = "/v1/audit?limit=200";
    while (true) {
      JsonNode page = api.get(path).expect(200).json();
      page.get("data").forEach(all::add);
      if (page.get("next_cursor").isNull()) {
        return all;
      }
      path = "/v1/audit?limit=200&after=" + page.get("next_cursor").asText();
    }
  }

  private static List<JsonNode> withRequestId(List<JsonNode> events, String requestId) {
    return events.stream().filter(e -> requestId.equals(e.path("request_id").asText())).toList();
  }

  @Test
  void authenticationFailureWhenWrongServerKeyThenRecordedWithoutTheSecret() {
    String wrong = OpaqueSecrets.mint(SecretKind.SERVER_KEY).value();
    Api.Reply refused = server.api(wrong).get("/v1/agents").expectError(401, "invalid_token");
    String requestId = refused.header("X-Request-Id").orElseThrow();

    assertThat(server.server.audit().flush(Duration.ofSeconds(5))).isTrue();
    String body = server.admin.get("/v1/audit?limit=200").expect(200).body();
    assertThat(body).doesNotContain(wrong).doesNotContain(wrong.substring(10));
    List<JsonNode> mine = withRequestId(events(server.admin), requestId);
    assertThat(mine).hasSize(1);
    JsonNode event = mine.getFirst();
    assertThat(event.get("action").asText()).isEqualTo("authn.failed");
    assertThat(event.get("decision").asText()).isEqualTo("failed");
    assertThat(event.get("code").asText()).isEqualTo("invalid_token");
    assertThat(event.get("actor").asText()).isEqualTo(wrong.substring(0, 10));
    assertThat(event.get("project_id").isNull()).isTrue();
  }

  @Test
  void denialWhenServerKeyCallsAdminRouteThenRecordedWithReasonInItsProject() {
    TestServer.ProjectKey p = server.newProject("denied");
    Api.Reply refused = p.api().get("/v1/projects").expectError(403, "forbidden");
    String requestId = refused.header("X-Request-Id").orElseThrow();

    List<JsonNode> mine = withRequestId(events(p.api()), requestId);
    assertThat(mine).hasSize(1);
    JsonNode event = mine.getFirst();
    assertThat(event.get("action").asText()).isEqualTo("authz.denied");
    assertThat(event.get("decision").asText()).isEqualTo("deny");
    assertThat(event.get("resource").asText()).isEqualTo("projects.search");
    assertThat(event.get("reason").asText()).isEqualTo(refused.json().get("error").get("message").asText());
    assertThat(event.get("project_id").asText()).isEqualTo(p.projectId());
    assertThat(event.get("actor").asText()).isEqualTo("server:" + p.keyId());
  }

  @Test
  void keyWhenCreatedAndRevokedThenBothRecordedWithoutTheKey() {
    TestServer.ProjectKey p = server.newProject("keys");
    server.admin.delete("/v1/projects/" + p.projectId() + "/api-keys/" + p.keyId()).expect(204);

    List<JsonNode> all = events(server.admin);
    assertThat(all.toString()).doesNotContain(p.key());
    assertThat(all).filteredOn(e -> e.get("resource").asText().equals("api_keys/" + p.keyId()))
        .extracting(e -> e.get("action").asText()).containsExactly("api_key.created", "api_key.revoked");
    assertThat(all).filteredOn(e -> e.get("resource").asText().equals("projects/" + p.projectId()))
        .extracting(e -> e.get("action").asText()).containsExactly("project.created");
  }

  @Test
  void workspaceTokenWhenMintedAndRevokedThenRecordedWithoutTheToken() {
    TestServer.ProjectKey p = server.newProject("tokens");
    JsonNode minted = p.api().post("/v1/workspace-tokens", Map.of("workspace_id", "ws_audit")).expect(201).json();
    p.api().post("/v1/workspace-tokens/revoke", Map.of("jti", minted.get("jti").asText())).expect(204);

    List<JsonNode> all = events(p.api());
    assertThat(all.toString()).doesNotContain(minted.get("token").asText());
    assertThat(all).extracting(e -> e.get("action").asText())
        .contains("workspace_token.created", "workspace_token.revoked");
    assertThat(all).extracting(e -> e.get("resource").asText())
        .contains("workspace_tokens/" + minted.get("jti").asText());
  }

  @Test
  void serverKeyWhenListingThenOnlyItsProjectsEventsAndAdminSeesAll() {
    TestServer.ProjectKey a = server.newProject("a");
    TestServer.ProjectKey b = server.newProject("b");
    String deniedA = a.api().get("/v1/projects").expectError(403, "forbidden").header("X-Request-Id").orElseThrow();
    String deniedB = b.api().get("/v1/projects").expectError(403, "forbidden").header("X-Request-Id").orElseThrow();
    String failed = server.api("pc_sk_nonsense").get("/v1/agents").expectError(401, "invalid_token")
        .header("X-Request-Id").orElseThrow();

    List<JsonNode> seenByA = events(a.api());
    assertThat(seenByA).isNotEmpty().allSatisfy(e -> assertThat(e.get("project_id").asText()).isEqualTo(a.projectId()));
    assertThat(withRequestId(seenByA, deniedA)).hasSize(1);
    assertThat(withRequestId(seenByA, deniedB)).isEmpty();
    assertThat(withRequestId(seenByA, failed)).isEmpty();

    List<JsonNode> seenByAdmin = events(server.admin);
    assertThat(withRequestId(seenByAdmin, deniedA)).hasSize(1);
    assertThat(withRequestId(seenByAdmin, deniedB)).hasSize(1);
    assertThat(withRequestId(seenByAdmin, failed)).hasSize(1);
  }

  @Test
  void listWhenPagedWithLimitAndAfterThenEveryEventOnceInOrder() {
    TestServer.ProjectKey p = server.newProject("paged");
    for (int i = 0; i < 5; i++) {
      p.api().get("/v1/projects").expectError(403, "forbidden");
    }
    List<JsonNode> all = events(p.api());
    assertThat(all).hasSizeGreaterThanOrEqualTo(5);

    List<Long> walked = new ArrayList<>();
    String path = "/v1/audit?limit=2";
    for (int i = 0; i < 20; i++) {
      JsonNode page = p.api().get(path).expect(200).json();
      assertThat(page.get("data").size()).isLessThanOrEqualTo(2);
      page.get("data").forEach(e -> walked.add(e.get("id").asLong()));
      if (page.get("next_cursor").isNull()) {
        break;
      }
      path = "/v1/audit?limit=2&after=" + page.get("next_cursor").asText();
    }
    assertThat(walked).isEqualTo(all.stream().map(e -> e.get("id").asLong()).toList()).isSorted();
  }

  @Test
  void listWhenLimitOrCursorBadThenInvalidRequest() {
    server.admin.get("/v1/audit?limit=0").expectError(400, "invalid_request");
    server.admin.get("/v1/audit?limit=201").expectError(400, "invalid_request");
    server.admin.get("/v1/audit?limit=ten").expectError(400, "invalid_request");
    server.admin.get("/v1/audit?after=%21%21").expectError(400, "invalid_request");
  }

  @Test
  void listWhenWorkspaceTokenOrNoCredentialThenRefused() {
    TestServer.ProjectKey p = server.newProject("ws");
    server.api(p.workspaceToken("ws_reader")).get("/v1/audit").expectError(403, "forbidden");
    server.anonymous().get("/v1/audit").expectError(401, "unauthenticated");
  }
}

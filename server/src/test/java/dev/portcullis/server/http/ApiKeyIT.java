package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projects and server API keys (API.md sections 2 and 3). */
class ApiKeyIT {

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

  @Test
  void projectsWhenCreatedListedFetchedDeletedThenFollowTheContract() {
    JsonNode created = server.admin.post("/v1/projects", Map.of("name", "acme")).expect(201).json();
    String id = created.get("id").asText();
    assertThat(id).startsWith("prj_");
    assertThat(created.get("name").asText()).isEqualTo("acme");
    assertThat(Instant.parse(created.get("created_at").asText())).isBefore(Instant.now().plusSeconds(1));
    assertThat(server.admin.get("/v1/projects?limit=200").expect(200).ids()).contains(id);
    assertThat(server.admin.get("/v1/projects/" + id).expect(200).json().get("name").asText()).isEqualTo("acme");
    server.admin.delete("/v1/projects/" + id).expect(204);
    server.admin.get("/v1/projects/" + id).expectError(404, "not_found");
    server.admin.delete("/v1/projects/" + id).expectError(404, "not_found");
  }

  @Test
  void projectWhenNameMissingThenInvalidRequestAndNothingCreated() {
    int before = server.admin.get("/v1/projects?limit=200").expect(200).ids().size();
    server.admin.post("/v1/projects", Map.of()).expectError(400, "invalid_request");
    server.admin.post("/v1/projects", Map.of("name", " ")).expectError(400, "invalid_request");
    assertThat(server.admin.get("/v1/projects?limit=200").expect(200).ids()).hasSize(before);
  }

  @Test
  void keyWhenCreatedThenShownOnceAndListedWithPrefixOnly() {
    TestServer.ProjectKey p = server.newProject("once");
    assertThat(p.key()).startsWith("pc_sk_").hasSize(6 + 43 + 6);
    JsonNode listed = server.admin.get("/v1/projects/" + p.projectId() + "/api-keys").expect(200).json().get("data").get(0);
    assertThat(listed.get("id").asText()).isEqualTo(p.keyId());
    assertThat(listed.get("prefix").asText()).isEqualTo(p.key().substring(0, 10));
    assertThat(listed.has("key")).isFalse();
    assertThat(listed.toString()).doesNotContain(p.key().substring(10));
  }

  @Test
  void keyWhenUsedThenLastUsedAtIsRecorded() throws InterruptedException {
    TestServer.ProjectKey p = server.newProject("used");
    JsonNode before = server.admin.get("/v1/projects/" + p.projectId() + "/api-keys").expect(200).json().get("data").get(0);
    assertThat(before.get("last_used_at").isNull()).isTrue();
    p.api().get("/v1/me").expect(200);
    p.api().get("/v1/me").expect(200);
    JsonNode after = null;
    for (int i = 0; i < 50; i++) { // written off the request path, so poll briefly
      after = server.admin.get("/v1/projects/" + p.projectId() + "/api-keys").expect(200).json().get("data").get(0);
      if (!after.get("last_used_at").isNull()) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(after.get("last_used_at").isNull()).isFalse();
  }

  @Test
  void keyWhenRevokedThenRefusedAsRevokedAtOnceAndNoLongerListed() {
    TestServer.ProjectKey p = server.newProject("revoke");
    p.api().get("/v1/me").expect(200);
    server.admin.delete("/v1/projects/" + p.projectId() + "/api-keys/" + p.keyId()).expect(204);
    p.api().get("/v1/me").expectError(401, "token_revoked");
    assertThat(server.admin.get("/v1/projects/" + p.projectId() + "/api-keys").expect(200).ids()).isEmpty();
    server.admin.delete("/v1/projects/" + p.projectId() + "/api-keys/" + p.keyId()).expectError(404, "not_found");
  }

  @Test
  void keyWhenRevokedThroughAnotherProjectsPathThenNotFoundAndStillWorks() {
    TestServer.ProjectKey a = server.newProject("a");
    TestServer.ProjectKey b = server.newProject("b");
    server.admin.delete("/v1/projects/" + b.projectId() + "/api-keys/" + a.keyId()).expectError(404, "not_found");
    a.api().get("/v1/me").expect(200);
  }

  @Test
  void keyWhenExpiredByOneSecondThenTokenExpired() throws InterruptedException {
    TestServer.ProjectKey p = server.newProject("expiring");
    Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
    JsonNode key = server.admin.post("/v1/projects/" + p.projectId() + "/api-keys",
        Map.of("name", "short", "expires_at", expiresAt.toString())).expect(201).json();
    assertThat(Instant.parse(key.get("expires_at").asText())).isEqualTo(expiresAt);
    Api api = server.api(key.get("key").asText());
    api.get("/v1/me").expect(200);
    Thread.sleep(Math.max(0, expiresAt.plusSeconds(1).toEpochMilli() - System.currentTimeMillis()));
    api.get("/v1/me").expectError(401, "token_expired");
  }

  @Test
  void keyWhenExpiresAtInThePastOrUnparseableThenInvalidRequest() {
    TestServer.ProjectKey p = server.newProject("bad-expiry");
    String path = "/v1/projects/" + p.projectId() + "/api-keys";
    server.admin.post(path, Map.of("name", "k", "expires_at", "2001-01-01T00:00:00Z")).expectError(400, "invalid_request");
    server.admin.post(path, Map.of("name", "k", "expires_at", "tomorrow")).expectError(400, "invalid_request");
    assertThat(server.admin.get(path).expect(200).ids()).containsExactly(p.keyId());
  }

  @Test
  void keyWhenChecksumBrokenThenInvalidToken() {
    TestServer.ProjectKey p = server.newProject("checksum");
    String key = p.key();
    char last = key.charAt(key.length() - 1);
    String broken = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
    server.api(broken).get("/v1/me").expectError(401, "invalid_token");
  }

  @Test
  void keysOfProjectWhenProjectUnknownThenNotFound() {
    server.admin.get("/v1/projects/prj_nope/api-keys").expectError(404, "not_found");
    server.admin.post("/v1/projects/prj_nope/api-keys", Map.of("name", "k")).expectError(404, "not_found");
  }

  @Test
  void projectWhenDeletedThenItsKeysStopWorking() {
    TestServer.ProjectKey p = server.newProject("doomed");
    server.admin.delete("/v1/projects/" + p.projectId()).expect(204);
    assertThat(p.api().get("/v1/me").status()).isEqualTo(401);
  }

  @Test
  void meWhenServerKeyThenShowsServerPrincipalOfItsProject() {
    TestServer.ProjectKey p = server.newProject("me");
    JsonNode me = p.api().get("/v1/me").expect(200).json();
    assertThat(me.get("kind").asText()).isEqualTo("server");
    assertThat(me.get("project_id").asText()).isEqualTo(p.projectId());
    assertThat(me.get("identity").asText()).isEqualTo(p.keyId());
    assertThat(me.get("workspace_id").isNull()).isTrue();
    JsonNode admin = server.admin.get("/v1/me").expect(200).json();
    assertThat(admin.get("kind").asText()).isEqualTo("admin");
  }

  @Test
  void keyWhenRepeatedOnOneConnectionWithItsCaseChangedThenRefused() throws Exception {
    TestServer.ProjectKey p = server.newProject("case");
    try (RawHttp connection = new RawHttp(server.server.port())) {
      assertThat(connection.exchange(RawHttp.get("/v1/me", p.key()))).startsWith("HTTP/1.1 200");
      assertThat(connection.exchange(RawHttp.get("/v1/me", RawHttp.lastLetterCaseFlipped(p.key()))))
          .startsWith("HTTP/1.1 401").contains("\"code\":\"invalid_token\"");
    }
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.jwt.TestIdentityProvider;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity-provider JWTs against a real server and a real JWKS endpoint on loopback (API.md
 * section 6): the exchange, direct use, refusals, key rotation and JWKS outages.
 */
class ProviderJwtIT {

  @TempDir static Path data;
  static TestServer server;
  final List<TestIdentityProvider> providers = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = new TestServer(data);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void stopProviders() {
    providers.forEach(TestIdentityProvider::close);
  }

  /** A provider with an issuer of its own, so that no other test's rules name it. */
  private TestIdentityProvider provider(String name) {
    TestIdentityProvider p = TestIdentityProvider.start(name + "-" + System.nanoTime());
    providers.add(p);
    return p;
  }

  private static String rule(TestServer.ProjectKey project, TestIdentityProvider p, Map<String, Object> extra) {
    Map<String, Object> body = new HashMap<>(Map.of("name", "idp", "issuer", p.issuer(),
        "jwks_uri", p.jwksUri().toString(), "audience", TestIdentityProvider.AUDIENCE));
    body.putAll(extra);
    return project.api().post("/v1/auth-rules", body).expect(201).json().get("id").asText();
  }

  private static Api.Reply exchange(String token, String projectId) {
    return server.api(token).post("/v1/auth/exchange", Map.of("project_id", projectId));
  }

  private static JsonNode me(String token) {
    return server.api(token).get("/v1/me").expect(200).json();
  }

  @Test
  void exchangeWhenRs256Es256OrEdDsaTokenIsAcceptedByAProjectRuleThenWorkspaceToken() {
    TestServer.ProjectKey project = server.newProject("exchange");
    TestIdentityProvider idp = provider("exchange");
    rule(project, idp, Map.of());
    for (String token : List.of(idp.token().rs256(), idp.token().es256(), idp.token().edDsa())) {
      JsonNode minted = exchange(token, project.projectId()).expect(201).json();
      assertThat(minted.get("token_type").asText()).isEqualTo("Bearer");
      assertThat(minted.get("expires_in").asInt()).isEqualTo(300);
      assertThat(minted.get("workspace_id").asText()).isEqualTo("alice");
      assertThat(minted.get("jti").asText()).startsWith("jti_");
      assertThat(Instant.parse(minted.get("expires_at").asText()))
          .isBetween(Instant.now().plusSeconds(290), Instant.now().plusSeconds(301));
      JsonNode principal = me(minted.get("token").asText());
      assertThat(principal.get("kind").asText()).isEqualTo("workspace");
      assertThat(principal.get("project_id").asText()).isEqualTo(project.projectId());
      assertThat(principal.get("workspace_id").asText()).isEqualTo("alice");
      assertThat(principal.get("identity").asText()).isEqualTo("alice");
    }
  }

  @Test
  void directUseWhenExactlyOneRuleTakesIssuerAndAudienceThenWorkspacePrincipal() {
    TestServer.ProjectKey project = server.newProject("direct");
    TestIdentityProvider idp = provider("direct");
    rule(project, idp, Map.of());
    Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 120);
    JsonNode principal = me(idp.token().subject("carol").expiresAt(exp).es256());
    assertThat(principal.get("kind").asText()).isEqualTo("workspace");
    assertThat(principal.get("project_id").asText()).isEqualTo(project.projectId());
    assertThat(principal.get("workspace_id").asText()).isEqualTo("carol");
    assertThat(principal.get("identity").asText()).isEqualTo("carol");
    assertThat(Instant.parse(principal.get("expires_at").asText())).isEqualTo(exp);
  }

  @Test
  void workspaceClaimWhenTemplateThenFilledFromClaimsAndAMissingClaimIsNamed() {
    TestServer.ProjectKey project = server.newProject("template");
    TestIdentityProvider idp = provider("template");
    rule(project, idp, Map.of("workspace_claim", "{org_id}:{sub}"));
    assertThat(me(idp.token().claim("org_id", "acme").rs256()).get("workspace_id").asText()).isEqualTo("acme:alice");
    assertThat(exchange(idp.token().claim("org_id", "acme").rs256(), project.projectId()).expect(201).json()
        .get("workspace_id").asText()).isEqualTo("acme:alice");
    Api.Reply missing = server.api(idp.token().rs256()).get("/v1/me").expectError(401, "invalid_token");
    assertThat(missing.json().get("error").get("message").asText()).contains("\"org_id\"");
  }

  @Test
  void tokenWhenIssuerOrAudienceIsWrongThenInvalidToken() {
    TestServer.ProjectKey project = server.newProject("wrong");
    TestIdentityProvider idp = provider("wrong");
    rule(project, idp, Map.of());
    String wrongIssuer = idp.token().issuer("https://elsewhere.idp.test").rs256();
    String wrongAudience = idp.token().audience("https://another-api.test").rs256();
    for (String token : List.of(wrongIssuer, wrongAudience)) {
      server.api(token).get("/v1/me").expectError(401, "invalid_token");
      exchange(token, project.projectId()).expectError(401, "invalid_token");
    }
  }

  @Test
  void tokenWhenExpiredBeyondTheSixtySecondSkewThenTokenExpiredAndWithinItAccepted() {
    TestServer.ProjectKey project = server.newProject("skew");
    TestIdentityProvider idp = provider("skew");
    rule(project, idp, Map.of());
    String expired = idp.token().expiresAt(Instant.now().minusSeconds(90)).rs256();
    server.api(expired).get("/v1/me").expectError(401, "token_expired");
    exchange(expired, project.projectId()).expectError(401, "token_expired");
    String late = idp.token().expiresAt(Instant.now().minusSeconds(30)).rs256();
    me(late);
    exchange(late, project.projectId()).expect(201);
  }

  @Test
  void tokenWhenAlgorithmIsNotAllowedNoneOrHs256WithThePublicKeyThenInvalidToken() {
    TestServer.ProjectKey project = server.newProject("alg");
    TestIdentityProvider idp = provider("alg");
    rule(project, idp, Map.of("algorithms", List.of("ES256")));
    me(idp.token().es256());
    Api.Reply rs256 = server.api(idp.token().rs256()).get("/v1/me").expectError(401, "invalid_token");
    assertThat(rs256.json().get("error").get("message").asText()).contains("RS256");
    exchange(idp.token().rs256(), project.projectId()).expectError(401, "invalid_token");
    for (String token : List.of(idp.token().unsigned(), idp.token().hs256WithPublicKey())) {
      server.api(token).get("/v1/me").expectError(401, "invalid_token");
      exchange(token, project.projectId()).expectError(401, "invalid_token");
    }
  }

  @Test
  void tokenWhenProviderRotatedItsKeysThenTheNewKeyIsFetchedAndWorks() {
    TestServer.ProjectKey project = server.newProject("rotate");
    TestIdentityProvider idp = provider("rotate");
    rule(project, idp, Map.of());
    me(idp.token().rs256());
    assertThat(idp.jwksRequests()).isEqualTo(1);
    idp.rotate();
    me(idp.token().subject("after-rotation").rs256());
    exchange(idp.token().edDsa(), project.projectId()).expect(201);
    assertThat(idp.jwksRequests()).isEqualTo(2);
  }

  @Test
  void tokenWhenJwksServerIsDownThenCachedKeysKeepWorking() {
    TestServer.ProjectKey project = server.newProject("outage");
    TestIdentityProvider idp = provider("outage");
    rule(project, idp, Map.of());
    me(idp.token().rs256());
    idp.stop();
    assertThat(me(idp.token().subject("dave").rs256()).get("workspace_id").asText()).isEqualTo("dave");
    exchange(idp.token().es256(), project.projectId()).expect(201);
  }

  @Test
  void tokenWhenJwksServerIsDownAndNoKeyIsCachedThenUnavailable() {
    TestServer.ProjectKey project = server.newProject("down");
    TestIdentityProvider idp = provider("down");
    rule(project, idp, Map.of());
    idp.stop();
    Api.Reply direct = server.api(idp.token().rs256()).get("/v1/me").expectError(503, "unavailable");
    assertThat(direct.header("WWW-Authenticate")).isEmpty();
    exchange(idp.token().rs256(), project.projectId()).expectError(503, "unavailable");
  }

  @Test
  void tokenWhenJwksServerIsSlowerThanTheTimeoutThenUnavailableWithinSecondsNotAHang() {
    TestServer.ProjectKey project = server.newProject("slow");
    TestIdentityProvider idp = provider("slow");
    rule(project, idp, Map.of());
    idp.answerAfter(Duration.ofSeconds(10));
    Api api = server.api(idp.token().rs256());
    long start = System.nanoTime();
    api.send(api.request("/v1/me").timeout(Duration.ofSeconds(8)).GET()).expectError(503, "unavailable");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4500));
  }

  @Test
  void tokensWhenKidsAreUnknownThenAtMostOneRefetchPerThirtySeconds() {
    TestServer.ProjectKey project = server.newProject("ratelimit");
    TestIdentityProvider idp = provider("ratelimit");
    rule(project, idp, Map.of());
    me(idp.token().rs256());
    assertThat(idp.jwksRequests()).isEqualTo(1);
    for (int i = 0; i < 15; i++) {
      server.api(idp.token().rs256WithUnpublishedKey()).get("/v1/me").expectError(401, "invalid_token");
    }
    assertThat(idp.jwksRequests()).as("one refetch for fifteen unknown kids").isEqualTo(2);
    idp.rotate();
    server.api(idp.token().rs256()).get("/v1/me").expectError(401, "invalid_token");
    exchange(idp.token().rs256(), project.projectId()).expectError(401, "invalid_token");
    assertThat(idp.jwksRequests()).as("even a genuinely new key waits for the 30 s").isEqualTo(2);
  }

  @Test
  void tokenWhenTwoProjectsRulesTakeItsIssuerAndAudienceThenDirectUseRefusedButExchangeWorks() {
    TestServer.ProjectKey a = server.newProject("shared-a");
    TestServer.ProjectKey b = server.newProject("shared-b");
    TestIdentityProvider idp = provider("shared");
    rule(a, idp, Map.of());
    rule(b, idp, Map.of("workspace_claim", "{org_id}:{sub}"));
    String token = idp.token().claim("org_id", "acme").rs256();
    Api.Reply direct = server.api(token).get("/v1/me").expectError(401, "invalid_token");
    assertThat(direct.json().get("error").get("message").asText()).contains("/v1/auth/exchange");
    JsonNode forA = me(exchange(token, a.projectId()).expect(201).json().get("token").asText());
    assertThat(forA.get("project_id").asText()).isEqualTo(a.projectId());
    assertThat(forA.get("workspace_id").asText()).isEqualTo("alice");
    JsonNode forB = me(exchange(token, b.projectId()).expect(201).json().get("token").asText());
    assertThat(forB.get("project_id").asText()).isEqualTo(b.projectId());
    assertThat(forB.get("workspace_id").asText()).isEqualTo("acme:alice");
  }

  @Test
  void workspacePrincipalWhenThreadsBelongToAnotherWorkspaceThenNotFound() {
    TestServer.ProjectKey project = server.newProject("own-threads");
    String agent = project.agent();
    TestIdentityProvider idp = provider("own-threads");
    rule(project, idp, Map.of());
    Api alice = server.api(idp.token().subject("alice").rs256());
    Api bob = server.api(idp.token().subject("bob").rs256());
    String thread = alice.post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
    alice.get("/v1/threads/" + thread).expect(200);
    assertThat(alice.get("/v1/threads").expect(200).ids()).containsExactly(thread);
    bob.get("/v1/threads/" + thread).expectError(404, "not_found");
    assertThat(bob.get("/v1/threads").expect(200).ids()).isEmpty();
    bob.post("/v1/threads/" + thread + "/messages", Map.of("role", "user", "content", "hi")).expectError(404, "not_found");
    // The same user through the exchange is the same workspace.
    String exchanged = exchange(idp.token().subject("alice").es256(), project.projectId()).expect(201).json()
        .get("token").asText();
    server.api(exchanged).get("/v1/threads/" + thread).expect(200);
    alice.get("/v1/agents/" + agent).expect(200);
    alice.post("/v1/agents", Map.of("name", "mine")).expectError(403, "forbidden");
    alice.get("/v1/auth-rules").expectError(403, "forbidden");
  }

  @Test
  void exchangeWhenCredentialProjectOrRuleIsMissingThenRefusedWithoutRevealingTheProject() {
    TestServer.ProjectKey project = server.newProject("exchange-errors");
    TestServer.ProjectKey other = server.newProject("exchange-no-rule");
    TestIdentityProvider idp = provider("exchange-errors");
    rule(project, idp, Map.of());
    Api.Reply anonymous = server.anonymous().post("/v1/auth/exchange", Map.of("project_id", project.projectId()))
        .expectError(401, "unauthenticated");
    assertThat(anonymous.header("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis\"");
    String token = idp.token().rs256();
    String unknownProject = exchange(token, "prj_doesnotexist").expectError(401, "invalid_token")
        .json().get("error").get("message").asText();
    String noRule = exchange(token, other.projectId()).expectError(401, "invalid_token")
        .json().get("error").get("message").asText();
    assertThat(unknownProject).isEqualTo(noRule);
    server.api(token).post("/v1/auth/exchange", Map.of()).expectError(400, "invalid_request");
    server.api(token).post("/v1/auth/exchange", Map.of("project_id", project.projectId(), "ttl", 5))
        .expectError(400, "invalid_request");
    exchange(project.key(), project.projectId()).expectError(401, "invalid_token");
    exchange("not-a-jwt", project.projectId()).expectError(401, "invalid_token");
    server.anonymous().post("/v1/auth/exchange?token=" + token, Map.of("project_id", project.projectId()))
        .expectError(400, "invalid_request");
  }

  @Test
  void ruleWhenDeletedThenItsTokensStopWorkingAtOnce() {
    TestServer.ProjectKey project = server.newProject("delete");
    TestIdentityProvider idp = provider("delete");
    String ruleId = rule(project, idp, Map.of());
    String token = idp.token().rs256();
    me(token);
    project.api().delete("/v1/auth-rules/" + ruleId).expect(204);
    server.api(token).get("/v1/me").expectError(401, "invalid_token");
    exchange(token, project.projectId()).expectError(401, "invalid_token");
  }

  @Test
  void exchangeWhenBodyIsNotJsonThenUnsupportedMediaType() {
    TestServer.ProjectKey project = server.newProject("media");
    TestIdentityProvider idp = provider("media");
    rule(project, idp, Map.of());
    Api api = server.api(idp.token().rs256());
    api.send(api.request("/v1/auth/exchange")
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("project_id")))
        .expectError(415, "unsupported_media_type");
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workspace tokens over HTTP: minting, use, expiry, revocation, JWKS, rotation (API.md sections 2 and 6). */
class WorkspaceTokenIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey p;

  @BeforeAll
  static void start() {
    server = new TestServer(data);
    p = server.newProject("tokens");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Api.Reply mint(Map<String, ?> body) {
    return p.api().post("/v1/workspace-tokens", body);
  }

  private static Map<String, Object> mintBody(Object... keysAndValues) {
    Map<String, Object> body = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      body.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return body;
  }

  /** Part {@code index} (0 header, 1 claims) of a JWT, decoded. */
  static JsonNode jwtPart(String token, int index) {
    try {
      return Api.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[index]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> jwksKids() {
    List<String> kids = new ArrayList<>();
    server.anonymous().get("/.well-known/jwks.json").expect(200).json().get("keys")
        .forEach(k -> kids.add(k.get("kid").asText()));
    return kids;
  }

  @Test
  void mintWhenNoTtlThenBearerTokenOfFiveMinutesWithTheDocumentedHeaderAndClaims() {
    Instant before = Instant.now().minusSeconds(1);
    JsonNode minted = mint(Map.of("workspace_id", "alice")).expect(201).json();
    String token = minted.get("token").asText();

    assertThat(minted.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(minted.get("expires_in").asInt()).isEqualTo(300);
    assertThat(minted.get("workspace_id").asText()).isEqualTo("alice");
    Instant expiresAt = Instant.parse(minted.get("expires_at").asText());
    assertThat(expiresAt).isBetween(before.plusSeconds(300), Instant.now().plusSeconds(301));

    JsonNode header = jwtPart(token, 0);
    assertThat(header.get("alg").asText()).isEqualTo("EdDSA");
    assertThat(header.get("typ").asText()).isEqualTo("at+jwt");
    assertThat(header.get("kid").asText()).startsWith("sig_");
    JsonNode claims = jwtPart(token, 1);
    assertThat(claims.get("iss").asText()).isEqualTo(server.server.publicUrl()).isEqualTo(server.baseUrl());
    assertThat(claims.get("aud").asText()).isEqualTo("portcullis");
    assertThat(claims.get("sub").asText()).isEqualTo("alice");
    assertThat(claims.get("pc_project").asText()).isEqualTo(p.projectId());
    assertThat(claims.get("pc_workspace").asText()).isEqualTo("alice");
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(300);
    assertThat(claims.get("exp").asLong()).isEqualTo(expiresAt.getEpochSecond());
    assertThat(claims.get("jti").asText()).isNotBlank();
  }

  @Test
  void mintWhenTtlOutsideOneToThreeThousandSixHundredSecondsThenInvalidRequest() {
    for (int ttl : new int[] {0, 3601, -1}) {
      mint(mintBody("workspace_id", "alice", "ttl_seconds", ttl)).expectError(400, "invalid_request");
    }
    mint(mintBody("workspace_id", "alice", "ttl_seconds", "300")).expectError(400, "invalid_request");
    assertThat(mint(mintBody("workspace_id", "alice", "ttl_seconds", 1)).expect(201).json().get("expires_in").asInt())
        .isEqualTo(1);
    assertThat(mint(mintBody("workspace_id", "alice", "ttl_seconds", 3600)).expect(201).json().get("expires_in").asInt())
        .isEqualTo(3600);
  }

  @Test
  void mintWhenClaimsSetRegisteredOrPcClaimsThenInvalidRequestElseCarried() {
    for (String claim : List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "pc_project", "pc_workspace", "pc_admin")) {
      mint(mintBody("workspace_id", "alice", "claims", Map.of(claim, "x"))).expectError(400, "invalid_request");
    }
    String token = mint(mintBody("workspace_id", "alice", "user_id", "user_7", "claims", Map.of("plan", "pro")))
        .expect(201).json().get("token").asText();
    JsonNode claims = jwtPart(token, 1);
    assertThat(claims.get("plan").asText()).isEqualTo("pro");
    assertThat(claims.get("sub").asText()).isEqualTo("user_7");
    assertThat(claims.get("pc_workspace").asText()).isEqualTo("alice");
  }

  @Test
  void mintWhenUnknownFieldOrNoWorkspaceThenInvalidRequest() {
    mint(mintBody("workspace_id", "alice", "scope", "admin")).expectError(400, "invalid_request");
    mint(mintBody()).expectError(400, "invalid_request");
    mint(mintBody("workspace_id", "")).expectError(400, "invalid_request");
    mint(mintBody("workspace_id", "alice", "claims", "plan=pro")).expectError(400, "invalid_request");
  }

  @Test
  void mintWhenAdminKeyOrWorkspaceTokenThenForbidden() {
    server.admin.post("/v1/workspace-tokens", Map.of("workspace_id", "alice")).expectError(403, "forbidden");
    server.api(p.workspaceToken("alice")).post("/v1/workspace-tokens", Map.of("workspace_id", "alice"))
        .expectError(403, "forbidden");
  }

  @Test
  void meWhenWorkspaceTokenThenKindWorkspaceWithItsWorkspaceProjectAndExpiry() {
    JsonNode minted = mint(mintBody("workspace_id", "alice", "user_id", "user_1")).expect(201).json();
    JsonNode me = server.api(minted.get("token").asText()).get("/v1/me").expect(200).json();
    assertThat(me.get("kind").asText()).isEqualTo("workspace");
    assertThat(me.get("workspace_id").asText()).isEqualTo("alice");
    assertThat(me.get("project_id").asText()).isEqualTo(p.projectId());
    assertThat(me.get("identity").asText()).isEqualTo("user_1");
    assertThat(me.get("expires_at").asText()).isEqualTo(minted.get("expires_at").asText());
  }

  @Test
  void credentialWhenOver8KiBThenInvalidTokenWhileHeadersUpTo16KiBAreRead() {
    String over = "eyJ" + "a".repeat(8 * 1024);
    Api.Reply reply = server.anonymous().send(server.anonymous().request("/v1/me")
        .header("Authorization", "Bearer " + over)
        .header("X-Padding", "p".repeat(6 * 1024))); // 14 KiB of headers in all
    reply.expectError(401, "invalid_token");
    assertThat(reply.json().get("error").get("message").asText()).contains("8 KiB");
    assertThat(reply.header("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).contains("error=\"invalid_token\""));

    String atTheLimit = "eyJ" + "a".repeat(8 * 1024 - 3);
    Api.Reply read = server.api(atTheLimit).get("/v1/me").expectError(401, "invalid_token");
    assertThat(read.json().get("error").get("message").asText()).doesNotContain("8 KiB");
  }

  @Test
  void tokenWhenExpiredByOneSecondThenTokenExpiredWithWwwAuthenticate() throws InterruptedException {
    JsonNode minted = mint(mintBody("workspace_id", "alice", "ttl_seconds", 1)).expect(201).json();
    Api seen = server.api(minted.get("token").asText());
    Api unseen = server.api(mint(mintBody("workspace_id", "alice", "ttl_seconds", 1)).expect(201).json()
        .get("token").asText());
    seen.get("/v1/me").expect(200); // verified and cached before it expires
    Instant expiresAt = Instant.parse(minted.get("expires_at").asText());

    Thread.sleep(Math.max(0, expiresAt.plusSeconds(1).toEpochMilli() - System.currentTimeMillis()));

    for (Api api : List.of(seen, unseen)) {
      Api.Reply reply = api.get("/v1/me").expectError(401, "token_expired");
      assertThat(reply.header("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
          .startsWith("Bearer realm=\"portcullis\"").contains("error=\"invalid_token\"").contains("error_description="));
    }
  }

  @Test
  void revokeWhenByJtiThenThatTokenIsRevokedAtOnceAndItsSiblingsWork() {
    JsonNode minted = mint(Map.of("workspace_id", "carol")).expect(201).json();
    Api revoked = server.api(minted.get("token").asText());
    Api sibling = server.api(p.workspaceToken("carol"));
    revoked.get("/v1/me").expect(200);

    p.api().post("/v1/workspace-tokens/revoke", Map.of("jti", minted.get("jti").asText())).expect(204);

    revoked.get("/v1/me").expectError(401, "token_revoked");
    sibling.get("/v1/me").expect(200);
  }

  @Test
  void revokeWhenByWorkspaceThenEveryTokenOfItIsRevokedAtOnceAndOtherWorkspacesWork() {
    Api first = server.api(p.workspaceToken("dave"));
    Api second = server.api(p.workspaceToken("dave"));
    Api other = server.api(p.workspaceToken("erin"));
    first.get("/v1/me").expect(200);

    p.api().post("/v1/workspace-tokens/revoke", Map.of("workspace_id", "dave")).expect(204);

    first.get("/v1/me").expectError(401, "token_revoked");
    second.get("/v1/me").expectError(401, "token_revoked");
    other.get("/v1/me").expect(200);
  }

  @Test
  void revokeWhenBothJtiAndWorkspaceOrNeitherThenInvalidRequest() {
    p.api().post("/v1/workspace-tokens/revoke", Map.of()).expectError(400, "invalid_request");
    p.api().post("/v1/workspace-tokens/revoke", Map.of("jti", "jti_x", "workspace_id", "alice"))
        .expectError(400, "invalid_request");
    p.api().post("/v1/workspace-tokens/revoke", Map.of("token", "x")).expectError(400, "invalid_request");
  }

  @Test
  void revokeWhenAnotherProjectsKeyRevokesTheWorkspaceOrJtiThenNoEffect() {
    TestServer.ProjectKey a = server.newProject("a");
    TestServer.ProjectKey b = server.newProject("b");
    JsonNode minted = a.api().post("/v1/workspace-tokens", Map.of("workspace_id", "frank")).expect(201).json();
    Api frank = server.api(minted.get("token").asText());

    b.api().post("/v1/workspace-tokens/revoke", Map.of("workspace_id", "frank")).expect(204);
    b.api().post("/v1/workspace-tokens/revoke", Map.of("jti", minted.get("jti").asText())).expect(204);

    frank.get("/v1/me").expect(200);
  }

  @Test
  void jwksWhenFetchedAnonymouslyThenCacheableAndPublishesTheKidOfMintedTokens() {
    String kid = jwtPart(p.workspaceToken("alice"), 0).get("kid").asText();
    Api.Reply jwks = server.anonymous().get("/.well-known/jwks.json").expect(200);
    assertThat(jwks.header("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("max-age="));
    assertThat(jwksKids()).contains(kid);
    jwks.json().get("keys").forEach(k -> {
      assertThat(k.get("kty").asText()).isEqualTo("OKP");
      assertThat(k.get("crv").asText()).isEqualTo("Ed25519");
      assertThat(k.has("d")).isFalse();
    });
  }

  @Test
  void rotateWhenAdminThenNewTokensCarryTheNewKidOldOnesStillWorkAndBothArePublished() {
    String old = p.workspaceToken("alice");
    String oldKid = jwtPart(old, 0).get("kid").asText();

    String newKid = server.admin.post("/v1/signing-keys/rotate", Map.of()).expect(201).json().get("kid").asText();

    String fresh = p.workspaceToken("alice");
    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat(jwtPart(fresh, 0).get("kid").asText()).isEqualTo(newKid);
    server.api(old).get("/v1/me").expect(200);
    server.api(fresh).get("/v1/me").expect(200);
    assertThat(jwksKids()).contains(oldKid, newKid);
  }

  @Test
  void rotateWhenWorkspaceTokenOrServerKeyThenForbidden() {
    server.api(p.workspaceToken("alice")).post("/v1/signing-keys/rotate", Map.of()).expectError(403, "forbidden");
    p.api().post("/v1/signing-keys/rotate", Map.of()).expectError(403, "forbidden");
  }

  @Test
  void tokenWhenRepeatedOnOneConnectionWithItsCaseChangedThenRefused() throws Exception {
    String token = p.workspaceToken("case");
    try (RawHttp connection = new RawHttp(server.server.port())) {
      assertThat(connection.exchange(RawHttp.get("/v1/me", token))).startsWith("HTTP/1.1 200");
      // Another client's request on a connection a proxy pools, carrying the token but for case.
      assertThat(connection.exchange(RawHttp.get("/v1/me", RawHttp.lastLetterCaseFlipped(token))))
          .startsWith("HTTP/1.1 401").contains("\"code\":\"invalid_token\"");
    }
  }
}

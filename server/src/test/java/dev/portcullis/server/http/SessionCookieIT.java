package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same-origin session cookie (API.md section 2): set from a workspace token, honoured only
 * from the server's own origin, and required to carry that origin on state-changing requests.
 */
class SessionCookieIT {

  static final String FOREIGN = "https://evil.example";

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey p;
  static String agent;

  @BeforeAll
  static void start() {
    server = new TestServer(data);
    p = server.newProject("cookies");
    agent = p.agent();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Api.Reply openSession(String credential, String origin) {
    return server.api(credential).send(server.api(credential).request("/v1/auth/session")
        .header("Origin", origin).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** A request that carries the session cookie and no Authorization header. */
  private static HttpRequest.Builder withCookie(String path, String token) {
    return server.anonymous().request(path).header("Cookie", IdentityRoutes.COOKIE + "=" + token);
  }

  private static Api.Reply send(HttpRequest.Builder request) {
    return server.anonymous().send(request);
  }

  @Test
  void sessionWhenWorkspaceTokenFromOwnOriginThenHttpOnlyStrictCookieWithoutSecureOnLoopback() {
    String token = p.workspaceToken("alice");
    Api.Reply reply = openSession(token, server.baseUrl()).expect(200);

    String cookie = reply.header("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith(IdentityRoutes.COOKIE + "=" + token + ";")
        .contains("; Path=/").contains("; HttpOnly").contains("; SameSite=Strict")
        .containsPattern("; Max-Age=(29\\d|300)(;|$)")
        .doesNotContain("Secure");
    assertThat(reply.json().get("kind").asText()).isEqualTo("workspace");
    assertThat(reply.json().get("workspace_id").asText()).isEqualTo("alice");
  }

  @Test
  void cookieWhenAloneOnAGetThenAuthenticatesAsItsToken() {
    String token = p.workspaceToken("alice");
    assertThat(send(withCookie("/v1/me", token).GET()).expect(200).json().get("workspace_id").asText())
        .isEqualTo("alice");
    send(withCookie("/v1/me", token).header("Origin", server.baseUrl()).GET()).expect(200);
  }

  @Test
  void cookieWhenForeignOriginThenOriginNotAllowed() {
    String token = p.workspaceToken("alice");
    send(withCookie("/v1/me", token).header("Origin", FOREIGN).GET()).expectError(403, "origin_not_allowed");
    String otherPort = "http://127.0.0.1:" + (server.server.port() == 1 ? 2 : server.server.port() - 1);
    send(withCookie("/v1/me", token).header("Origin", otherPort).GET()).expectError(403, "origin_not_allowed");
    send(withCookie("/v1/threads", token).header("Origin", FOREIGN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"agent_id\":\"" + agent + "\"}")))
        .expectError(403, "origin_not_allowed");
  }

  @Test
  void cookieWhenStateChangingRequestWithoutOriginThenOriginNotAllowedAndWithOwnOriginCreated() {
    String token = p.workspaceToken("alice");
    String body = "{\"agent_id\":\"" + agent + "\"}";
    send(withCookie("/v1/threads", token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))).expectError(403, "origin_not_allowed");
    send(withCookie("/v1/threads", token).header("Content-Type", "application/json").header("Origin", server.baseUrl())
        .POST(HttpRequest.BodyPublishers.ofString(body))).expect(201);
  }

  @Test
  void deleteSessionWhenCalledThenTheCookieIsCleared() {
    String token = p.workspaceToken("alice");
    Api.Reply reply = send(withCookie("/v1/auth/session", token).header("Origin", server.baseUrl()).DELETE())
        .expect(204);
    assertThat(reply.header("Set-Cookie").orElseThrow())
        .startsWith(IdentityRoutes.COOKIE + "=;").contains("; Max-Age=0").contains("; HttpOnly")
        .contains("; SameSite=Strict").contains("; Path=/");
  }

  @Test
  void sessionWhenServerOrAdminKeyThenInvalidRequestAndNoCookie() {
    Api.Reply server = openSession(p.key(), SessionCookieIT.server.baseUrl()).expectError(400, "invalid_request");
    assertThat(server.header("Set-Cookie")).isEmpty();
    openSession(SessionCookieIT.server.adminKey, SessionCookieIT.server.baseUrl()).expectError(400, "invalid_request");
  }

  @Test
  void sessionWhenForeignOrNoOriginThenOriginNotAllowedAndNoCookie() {
    String token = p.workspaceToken("alice");
    Api.Reply foreign = openSession(token, FOREIGN).expectError(403, "origin_not_allowed");
    assertThat(foreign.header("Set-Cookie")).isEmpty();
    server.api(token).post("/v1/auth/session", Map.of()).expectError(403, "origin_not_allowed");
  }

  @Test
  void cookieWhenBesideABearerCredentialThenIgnored() {
    String alice = p.workspaceToken("alice");
    String bob = p.workspaceToken("bob");
    assertThat(server.api(alice).send(server.api(alice).request("/v1/me")
            .header("Cookie", IdentityRoutes.COOKIE + "=" + bob).header("Origin", FOREIGN).GET())
        .expect(200).json().get("workspace_id").asText()).isEqualTo("alice");
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/ws-tickets} (API.md section 2): a single-use ticket stands for the caller's
 * credential in a URL, and the connection it opens ends when that credential expires or is
 * revoked, though the socket never held the credential itself.
 */
class WsTicketIT {

  private static final String APP = "https://app.example.com";

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey project;
  static String agent;

  @BeforeAll
  static void start() {
    server = new TestServer(data, Map.of("echo-delay-ms", "1"));
    project = server.newProject("tickets");
    agent = project.agent();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonNode mint(String credential) {
    return server.api(credential).post("/v1/ws-tickets", Map.of()).expect(201).json();
  }

  static String ticket(String credential) {
    return mint(credential).get("ticket").asText();
  }

  static String wsUrl(String query) {
    return "ws://127.0.0.1:" + server.server.port() + "/v1/ws" + query;
  }

  static String clientToken(Map<String, Object> more) {
    Map<String, Object> body = new HashMap<>(Map.of("policy",
        List.of(Map.of("type", "agent", "id", agent, "access", List.of("read_messages", "write_messages")))));
    body.putAll(more);
    return project.api().post("/v1/client-tokens", body).expect(201).json().get("token").asText();
  }

  /** Opens a socket with a fresh ticket of {@code credential} and reads its {@code ready} frame. */
  static WebSocketIT.Socket ticketSocket(String credential) throws InterruptedException {
    WebSocketIT.Socket socket = WebSocketIT.Socket.open(wsUrl("?token=" + ticket(credential)), b -> { });
    assertThat(socket.next().path("type").asText()).isEqualTo("ready");
    return socket;
  }

  // ---------------------------------------------------------------- minting

  @Test
  void mintWhenWorkspaceTokenThen201PcWtTicketFor60Seconds() {
    Instant before = Instant.now();
    JsonNode minted = mint(project.workspaceToken("alice"));

    assertThat(minted.get("ticket").asText()).startsWith("pc_wt_");
    Instant expiresAt = Instant.parse(minted.get("expires_at").asText());
    assertThat(expiresAt).isBetween(before.plusSeconds(59), Instant.now().plusSeconds(60));
  }

  @Test
  void mintWhenCredentialExpiresSoonerThenTheTicketExpiresWithIt() {
    Instant credentialExpiry = Instant.now().plusSeconds(20).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String token = clientToken(Map.of("expires_at", credentialExpiry.toString()));

    assertThat(Instant.parse(mint(token).get("expires_at").asText())).isEqualTo(credentialExpiry);
  }

  @Test
  void mintWhenNoCredentialThen401() {
    server.anonymous().post("/v1/ws-tickets", Map.of()).expectError(401, "unauthenticated");
  }

  // ---------------------------------------------------------------- redeeming

  @Test
  void upgradeWhenTicketInQueryThenReadyWithTheCredentialsPrincipal() throws Exception {
    String token = project.workspaceToken("alice");
    JsonNode me = server.api(token).get("/v1/me").expect(200).json();
    try (WebSocketIT.Socket socket = WebSocketIT.Socket.open(wsUrl("?token=" + ticket(token)), b -> { })) {
      JsonNode ready = socket.next();
      assertThat(ready.path("type").asText()).isEqualTo("ready");
      assertThat(ready.path("principal")).isEqualTo(me);
      assertThat(ready.path("expires_at").asText()).isEqualTo(me.path("expires_at").asText());
    }
  }

  @Test
  void upgradeWhenTicketUsedTwiceThen401TokenRevokedAndNoUpgrade() throws Exception {
    String ticket = ticket(project.workspaceToken("alice"));
    try (WebSocketIT.Socket first = WebSocketIT.Socket.open(wsUrl("?token=" + ticket), b -> { })) {
      assertThat(first.next().path("type").asText()).isEqualTo("ready");

      String second = RawHttp.once(server.server.port(), RawHttp.upgrade("/v1/ws?token=" + ticket, ""));

      assertThat(second).startsWith("HTTP/1.1 401").contains("\"code\":\"token_revoked\"")
          .doesNotContain("Sec-WebSocket-Accept");
    }
  }

  @Test
  void upgradeWhenTicketInSubprotocolThenReady() throws Exception {
    String ticket = ticket(project.workspaceToken("alice"));
    try (WebSocketIT.Socket socket = WebSocketIT.Socket.open(wsUrl(""),
        b -> b.subprotocols("portcullis", "bearer." + ticket))) {
      assertThat(socket.next().path("type").asText()).isEqualTo("ready");
    }
  }

  @Test
  void upgradeWhenTicketExpiredWithItsCredentialThen401TokenExpired() throws Exception {
    String token = clientToken(Map.of("expires_at", Instant.now().plusSeconds(1).toString()));
    String ticket = ticket(token);
    Thread.sleep(1_500);

    String response = RawHttp.once(server.server.port(), RawHttp.upgrade("/v1/ws?token=" + ticket, ""));

    assertThat(response).startsWith("HTTP/1.1 401").contains("\"code\":\"token_expired\"");
  }

  @Test
  void upgradeWhenTicketTamperedThen401InvalidToken() throws Exception {
    String ticket = ticket(project.workspaceToken("alice"));
    String tampered = ticket.substring(0, 10) + (ticket.charAt(10) == 'a' ? 'b' : 'a') + ticket.substring(11);

    String response = RawHttp.once(server.server.port(), RawHttp.upgrade("/v1/ws?token=" + tampered, ""));

    assertThat(response).startsWith("HTTP/1.1 401").contains("\"code\":\"invalid_token\"");
  }

  @Test
  void restRouteWhenTicketInAuthorizationThen401InvalidTokenAndTheTicketStaysUnused() throws Exception {
    String ticket = ticket(project.workspaceToken("alice"));

    server.api(ticket).get("/v1/me").expectError(401, "invalid_token");
    server.api(ticket).post("/v1/threads", Map.of("agent_id", agent)).expectError(401, "invalid_token");

    try (WebSocketIT.Socket socket = WebSocketIT.Socket.open(wsUrl("?token=" + ticket), b -> { })) {
      assertThat(socket.next().path("type").asText()).isEqualTo("ready");
    }
  }

  @Test
  void getStreamWhenTicketInQueryThenStreamsOnceAndTheSecondUseIsRevoked() throws Exception {
    String token = project.workspaceToken("erin");
    String thread = server.api(token).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
    String runId = server.api(token).post("/v1/threads/" + thread + "/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", "hello tickets"))))).expect(200).json().get("id").asText();
    String ticket = ticket(token);
    URI stream = URI.create(server.baseUrl() + "/v1/threads/" + thread + "/runs/" + runId + "/stream?token=" + ticket);

    HttpResponse<String> first = HttpClient.newHttpClient().send(HttpRequest.newBuilder(stream).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second = HttpClient.newHttpClient().send(HttpRequest.newBuilder(stream).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("event: run.completed");
    assertThat(second.statusCode()).isEqualTo(401);
    assertThat(second.body()).contains("\"code\":\"token_revoked\"");
  }

  @Test
  void upgradeWhenBoundClientTokensTicketFromAnotherOriginThen403ElseReady() throws Exception {
    Api fromApp = server.api(clientToken(Map.of("hostname", APP))).withHeader("Origin", APP);
    String foreign = RawHttp.once(server.server.port(), RawHttp.upgrade("/v1/ws?token="
        + fromApp.post("/v1/ws-tickets", Map.of()).expect(201).json().get("ticket").asText(),
        "Origin: https://evil.example\r\n"));
    assertThat(foreign).startsWith("HTTP/1.1 403").contains("\"code\":\"origin_not_allowed\"");

    String ticket = fromApp.post("/v1/ws-tickets", Map.of()).expect(201).json().get("ticket").asText();
    try (WebSocketIT.Socket socket = WebSocketIT.Socket.open(wsUrl("?token=" + ticket), b -> b.header("Origin", APP))) {
      assertThat(socket.next().path("type").asText()).isEqualTo("ready");
    }
  }

  @Test
  void authFrameWhenTicketOfTheSamePrincipalThenAuthOk() throws Exception {
    String token = project.workspaceToken("frank");
    try (WebSocketIT.Socket socket = WebSocketIT.Socket.open(wsUrl("?token=" + token), b -> { })) {
      socket.next();

      socket.send("{\"type\":\"auth\",\"token\":\"" + ticket(project.workspaceToken("frank")) + "\"}");

      assertThat(socket.next().path("type").asText()).isEqualTo("auth.ok");
    }
  }

  // ---------------------------------------------------------------- the credential behind the ticket

  @Test
  void ticketSocketWhenClientTokenDeletedThenClosedWith4003() throws Exception {
    JsonNode minted = project.api().post("/v1/client-tokens", Map.of("policy", List.of(Map.of("type", "agent",
        "id", agent, "access", List.of("read_messages"))))).expect(201).json();
    try (WebSocketIT.Socket socket = ticketSocket(minted.get("token").asText())) {
      socket.assertClosedAsRevokedSoonAfter(() ->
          project.api().delete("/v1/client-tokens/" + minted.get("id").asText()).expect(204));
    }
  }

  @Test
  void ticketSocketWhenWorkspaceRevokedThenClosedWith4003() throws Exception {
    try (WebSocketIT.Socket socket = ticketSocket(project.workspaceToken("gina"))) {
      socket.assertClosedAsRevokedSoonAfter(() ->
          project.api().post("/v1/workspace-tokens/revoke", Map.of("workspace_id", "gina")).expect(204));
    }
  }

  @Test
  void ticketSocketWhenServerKeyDeletedThenClosedWith4003() throws Exception {
    JsonNode key = server.admin.post("/v1/projects/" + project.projectId() + "/api-keys", Map.of("name", "doomed"))
        .expect(201).json();
    try (WebSocketIT.Socket socket = ticketSocket(key.get("key").asText())) {
      socket.assertClosedAsRevokedSoonAfter(() -> server.admin.delete("/v1/projects/" + project.projectId()
          + "/api-keys/" + key.get("id").asText()).expect(204));
    }
  }

  @Test
  void ticketSocketWhenCredentialExpiresThenClosedWith4001() throws Exception {
    String token = clientToken(Map.of("expires_at", Instant.now().plusSeconds(2).toString()));
    try (WebSocketIT.Socket socket = ticketSocket(token)) {
      WebSocketIT.Closed closed = socket.closed();

      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).startsWith("token_expired");
    }
  }

  @Test
  void ticketSocketWhenAnotherWorkspaceRevokedThenStaysOpen() throws Exception {
    try (WebSocketIT.Socket socket = ticketSocket(project.workspaceToken("hugo"))) {
      project.api().post("/v1/workspace-tokens/revoke", Map.of("workspace_id", "someone-else")).expect(204);

      socket.send("{\"type\":\"ping\"}");

      assertThat(socket.next().path("type").asText()).isEqualTo("pong");
      assertThat(socket.closedWithin(Duration.ofMillis(800))).isEmpty();
    }
  }
}

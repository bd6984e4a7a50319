package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/ws} (API.md section 8) with a real WebSocket client over loopback: each
 * credential carrier, refusals before the upgrade as HTTP errors, the frames, authorization of
 * every subscription, and the socket's end when its credential is revoked or expires.
 */
class WebSocketIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String APP = "https://app.example.com";

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey project;
  static String agent;

  @BeforeAll
  static void start() {
    server = new TestServer(data, Map.of("echo-delay-ms", "20"));
    project = server.newProject("sockets");
    agent = project.agent();
  }

  /** A server with small socket limits, so that each can be crossed quickly. */
  static TestServer limited;
  static TestServer.ProjectKey limitedProject;

  @BeforeAll
  static void startLimited(@TempDir Path limitedData) {
    limited = new TestServer(limitedData, Map.of("ws-max-frame-bytes", "1024", "ws-frames-per-second", "5",
        "ws-frame-burst", "5", "ws-idle-timeout-ms", "1500", "ws-max-sockets-per-principal", "2"));
    limitedProject = limited.newProject("limits");
  }

  @AfterAll
  static void stop() {
    server.close();
    limited.close();
  }

  // ---------------------------------------------------------------- credential carriers

  @Test
  void upgradeWhenTokenInQueryThenReadyWithThePrincipal() throws Exception {
    String token = project.workspaceToken("alice");
    try (Socket socket = Socket.open(wsUrl("?token=" + token), b -> { })) {
      JsonNode ready = socket.next();
      assertThat(ready.path("type").asText()).isEqualTo("ready");
      assertThat(ready.path("principal").path("kind").asText()).isEqualTo("workspace");
      assertThat(ready.path("principal").path("workspace_id").asText()).isEqualTo("alice");
      assertThat(ready.path("expires_at").asText()).isNotBlank();
    }
  }

  @Test
  void upgradeWhenTokenInSubprotocolThenAnswersPortcullisAndReady() throws Exception {
    String token = project.workspaceToken("alice");
    try (Socket socket = Socket.open(wsUrl(""), b -> b.subprotocols("portcullis", "bearer." + token))) {
      assertThat(socket.ws.getSubprotocol()).isEqualTo("portcullis");
      assertThat(socket.next().path("type").asText()).isEqualTo("ready");
    }
  }

  @Test
  void upgradeWhenServerKeyInAuthorizationHeaderThenReadyWithNoExpiry() throws Exception {
    try (Socket socket = Socket.open(wsUrl(""), b -> b.header("Authorization", "Bearer " + project.key()))) {
      JsonNode ready = socket.next();
      assertThat(ready.path("principal").path("kind").asText()).isEqualTo("server");
      assertThat(ready.path("expires_at").isNull()).isTrue();
    }
  }

  // ---------------------------------------------------------------- refusals before the upgrade

  @Test
  void upgradeWhenNoCredentialThen401JsonAndNoUpgrade() throws Exception {
    String response = RawHttp.once(server.server.port(), RawHttp.upgrade("/v1/ws", ""));
    assertThat(response).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Bearer realm=\"portcullis\"")
        .contains("\"code\":\"unauthenticated\"").doesNotContain("Sec-WebSocket-Accept")
        .doesNotContain("JSESSIONID").doesNotContain("Set-Cookie");
    assertThat(handshakeStatus(wsUrl(""), b -> { })).isEqualTo(401);
  }

  @Test
  void upgradeWhenServerKeyInQueryThen400InvalidRequest() throws Exception {
    String response = RawHttp.once(server.server.port(), RawHttp.upgrade("/v1/ws?token=" + project.key(), ""));
    assertThat(response).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_request\"")
        .doesNotContain("Sec-WebSocket-Accept");
  }

  @Test
  void upgradeWhenTwoCredentialsThen400() throws Exception {
    String token = project.workspaceToken("alice");
    assertThat(handshakeStatus(wsUrl("?token=" + token), b -> b.subprotocols("portcullis", "bearer." + token)))
        .isEqualTo(400);
  }

  @Test
  void upgradeWhenBoundClientTokenFromAnotherOriginThen403OriginNotAllowedElseReady() throws Exception {
    String token = clientToken(Map.of("hostname", APP));
    String response = RawHttp.once(server.server.port(),
        RawHttp.upgrade("/v1/ws?token=" + token, "Origin: https://evil.example\r\n"));
    assertThat(response).startsWith("HTTP/1.1 403").contains("\"code\":\"origin_not_allowed\"");
    try (Socket socket = Socket.open(wsUrl("?token=" + token), b -> b.header("Origin", APP))) {
      assertThat(socket.next().path("type").asText()).isEqualTo("ready");
    }
  }

  @Test
  void upgradeWhenForeignOriginWithAnUnboundCredentialThen403() throws Exception {
    String token = project.workspaceToken("alice");
    String response = RawHttp.once(server.server.port(),
        RawHttp.upgrade("/v1/ws?token=" + token, "Origin: https://evil.example\r\n"));
    assertThat(response).startsWith("HTTP/1.1 403").contains("\"code\":\"origin_not_allowed\"");
  }

  @Test
  void upgradeWhenBadTokenThen401InvalidToken() throws Exception {
    String response = RawHttp.once(server.server.port(), RawHttp.upgrade("/v1/ws?token=pc_ck_nonsense", ""));
    assertThat(response).startsWith("HTTP/1.1 401").contains("error=\"invalid_token\"");
  }

  // ---------------------------------------------------------------- frames

  @Test
  void pingWhenSentThenPongAndMalformedFramesAnswerErrorsWithoutClosing() throws Exception {
    try (Socket socket = Socket.open(wsUrl("?token=" + project.workspaceToken("alice")), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"ping\"}");
      assertThat(socket.next().path("type").asText()).isEqualTo("pong");
      for (String bad : List.of("not json", "[1]", "{\"type\":\"dance\"}", "{\"type\":\"subscribe\"}",
          "{\"type\":\"subscribe\",\"thread_id\":\"thr_x\",\"after\":-1}")) {
        socket.send(bad);
        JsonNode error = socket.next();
        assertThat(error.path("type").asText()).as(bad).isEqualTo("error");
        assertThat(error.path("code").asText()).as(bad).isEqualTo("invalid_request");
        assertThat(error.path("request_id").asText()).as(bad).isNotBlank();
      }
      socket.send("{\"type\":\"ping\"}");
      assertThat(socket.next().path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void subscribeWhenThreadReadableThenRunEventsArriveAsEventFramesEndingWithRunCompleted() throws Exception {
    String token = project.workspaceToken("alice");
    String thread = server.api(token).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
    try (Socket socket = Socket.open(wsUrl("?token=" + token), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"subscribe\",\"thread_id\":\"" + thread + "\"}");
      server.api(token).post("/v1/threads/" + thread + "/runs", run("hello there")).expect(200);

      List<JsonNode> frames = socket.until(f -> f.path("event").asText().equals("run.completed"));
      assertThat(frames).allSatisfy(f -> {
        assertThat(f.path("type").asText()).isEqualTo("event");
        assertThat(f.path("thread_id").asText()).isEqualTo(thread);
        assertThat(f.path("data").isObject()).isTrue();
      });
      assertThat(frames.stream().map(f -> f.path("event").asText()).toList())
          .startsWith("run.created").contains("message.delta", "message.completed").endsWith("run.completed");
      List<Long> ids = frames.stream().map(f -> f.path("id").asLong()).toList();
      assertThat(ids).isSorted().doesNotHaveDuplicates();
      assertThat(frames.getLast().path("data").path("run").path("status").asText()).isEqualTo("completed");

      // Resuming after an event id delivers exactly the later events of the thread.
      socket.send("{\"type\":\"unsubscribe\",\"thread_id\":\"" + thread + "\"}");
      try (Socket again = Socket.open(wsUrl("?token=" + token), b -> { })) {
        again.next();
        again.send("{\"type\":\"subscribe\",\"thread_id\":\"" + thread + "\",\"after\":" + ids.get(1) + "}");
        List<JsonNode> resumed = again.until(f -> f.path("event").asText().equals("run.completed"));
        assertThat(resumed.stream().map(f -> f.path("id").asLong()).toList()).isEqualTo(ids.subList(2, ids.size()));
      }
    }
  }

  @Test
  void subscribeWhenThreadOfAnotherWorkspaceThenErrorNotFoundAndTheSocketStaysOpen() throws Exception {
    String alice = project.workspaceToken("alice");
    String thread = server.api(alice).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
    try (Socket socket = Socket.open(wsUrl("?token=" + project.workspaceToken("bob")), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"subscribe\",\"thread_id\":\"" + thread + "\",\"request_id\":\"r1\"}");
      JsonNode error = socket.next();
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("code").asText()).isEqualTo("not_found");
      assertThat(error.path("request_id").asText()).isEqualTo("r1");
      socket.send("{\"type\":\"subscribe\",\"thread_id\":\"thr_missing\"}");
      assertThat(socket.next().path("code").asText()).isEqualTo("not_found");

      server.api(alice).post("/v1/threads/" + thread + "/runs", run("secret")).expect(200);
      socket.send("{\"type\":\"ping\"}");
      assertThat(socket.next().path("type").asText()).as("no event of alice's thread").isEqualTo("pong");
    }
  }

  // ---------------------------------------------------------------- lifetime

  @Test
  void socketWhenClientTokenDeletedThenClosedWith4003WithinASecond() throws Exception {
    JsonNode minted = project.api().post("/v1/client-tokens", clientTokenBody(Map.of())).expect(201).json();
    try (Socket socket = Socket.open(wsUrl("?token=" + minted.get("token").asText()), b -> { })) {
      socket.next();
      socket.assertClosedAsRevokedSoonAfter(() ->
          project.api().delete("/v1/client-tokens/" + minted.get("id").asText()).expect(204));
    }
  }

  @Test
  void socketWhenWorkspaceTokensRevokedThenClosedWith4003() throws Exception {
    String token = project.workspaceToken("carol");
    try (Socket socket = Socket.open(wsUrl("?token=" + token), b -> { })) {
      socket.next();
      socket.assertClosedAsRevokedSoonAfter(() ->
          project.api().post("/v1/workspace-tokens/revoke", Map.of("workspace_id", "carol")).expect(204));
    }
  }

  @Test
  void socketWhenCredentialExpiresThenWarnedAndClosedWith4001() throws Exception {
    String token = clientToken(Map.of("expires_at", Instant.now().plusSeconds(2).toString()));
    try (Socket socket = Socket.open(wsUrl("?token=" + token), b -> { })) {
      assertThat(socket.next().path("type").asText()).isEqualTo("ready");
      JsonNode expiring = socket.next();
      assertThat(expiring.path("type").asText()).isEqualTo("auth.expiring");
      assertThat(expiring.path("expires_in").asLong()).isBetween(0L, 2L);
      Closed closed = socket.closed();
      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).startsWith("token_expired");
    }
  }

  // ---------------------------------------------------------------- refresh in-band

  @Test
  void authWhenFreshTokenOfTheSamePrincipalThenAuthOkAndTheSocketOutlivesTheFirstToken() throws Exception {
    String shortLived = shortWorkspaceToken("dora", 3);
    try (Socket socket = Socket.open(wsUrl("?token=" + shortLived), b -> { })) {
      Instant firstExpiry = Instant.parse(socket.next().path("expires_at").asText());
      assertThat(socket.next().path("type").asText()).isEqualTo("auth.expiring");

      socket.send("{\"type\":\"auth\",\"token\":\"" + project.workspaceToken("dora") + "\",\"request_id\":\"a1\"}");
      JsonNode ok = socket.next();
      assertThat(ok.path("type").asText()).isEqualTo("auth.ok");
      assertThat(ok.path("request_id").asText()).isEqualTo("a1");
      assertThat(Instant.parse(ok.path("expires_at").asText())).isAfter(firstExpiry.plusSeconds(60));

      // Past the first token's expiry (plus the watch's period) the socket is still open and answers.
      Duration untilPast = Duration.between(Instant.now(), firstExpiry).plusMillis(1500);
      assertThat(socket.closedWithin(untilPast)).as("closed after the refresh").isEmpty();
      socket.send("{\"type\":\"ping\"}");
      assertThat(socket.next().path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void authWhenTokenOfAnotherPrincipalOrInvalidThenErrorAndTheSocketStillClosesAtTheOriginalExpiry()
      throws Exception {
    String shortLived = shortWorkspaceToken("erin", 3);
    try (Socket socket = Socket.open(wsUrl("?token=" + shortLived), b -> { })) {
      assertThat(socket.next().path("type").asText()).isEqualTo("ready");
      assertThat(socket.next().path("type").asText()).isEqualTo("auth.expiring");
      Map<String, String> refusals = new java.util.LinkedHashMap<>();
      refusals.put(project.workspaceToken("frank"), "forbidden");
      refusals.put(clientToken(Map.of()), "forbidden");
      refusals.put("pc_ck_nonsense", "invalid_token");
      refusals.put(project.key(), "invalid_request");
      refusals.put("", "invalid_request");
      for (Map.Entry<String, String> refusal : refusals.entrySet()) {
        socket.send("{\"type\":\"auth\",\"token\":\"" + refusal.getKey() + "\",\"request_id\":\"a2\"}");
        JsonNode error = socket.next();
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("code").asText()).as(refusal.getValue()).isEqualTo(refusal.getValue());
        assertThat(error.path("request_id").asText()).isEqualTo("a2");
      }
      socket.send("{\"type\":\"ping\"}");
      assertThat(socket.next().path("type").asText()).isEqualTo("pong");
      Closed closed = socket.closed();
      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).startsWith("token_expired");
    }
  }

  @Test
  void authWhenClientTokenRefreshedWithOneOfTheSamePolicyThenAuthOkAndANewWarningIsArmed() throws Exception {
    String shortLived = clientToken(Map.of("expires_at", Instant.now().plusSeconds(2).toString()));
    try (Socket socket = Socket.open(wsUrl("?token=" + shortLived), b -> { })) {
      socket.next();
      assertThat(socket.next().path("type").asText()).isEqualTo("auth.expiring");
      String fresh = clientToken(Map.of("expires_at", Instant.now().plusSeconds(4).toString()));
      socket.send("{\"type\":\"auth\",\"token\":\"" + fresh + "\"}");
      assertThat(socket.next().path("type").asText()).isEqualTo("auth.ok");
      JsonNode warned = socket.next();
      assertThat(warned.path("type").asText()).as("the fresh token's own warning").isEqualTo("auth.expiring");
      Closed closed = socket.closed();
      assertThat(closed.code()).as("closed at the fresh token's expiry").isEqualTo(4001);
    }
  }

  // ---------------------------------------------------------------- run frames

  @Test
  void runWhenThreadWritableThenRunStartedAndItsEventsReachTheSubscriber() throws Exception {
    String token = project.workspaceToken("alice");
    String thread = server.api(token).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
    try (Socket socket = Socket.open(wsUrl("?token=" + token), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"subscribe\",\"thread_id\":\"" + thread + "\"}");
      socket.send("{\"type\":\"run\",\"thread_id\":\"" + thread + "\",\"request_id\":\"r7\","
          + "\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"over the socket\"}]}}");
      List<JsonNode> frames = socket.until(f -> f.path("event").asText().equals("run.completed"));
      JsonNode started = frames.stream().filter(f -> f.path("type").asText().equals("run.started")).findFirst()
          .orElseThrow();
      assertThat(started.path("request_id").asText()).isEqualTo("r7");
      assertThat(started.path("thread_id").asText()).isEqualTo(thread);
      String runId = started.path("run_id").asText();
      assertThat(runId).isNotBlank();
      assertThat(frames.getLast().path("data").path("run").path("id").asText()).isEqualTo(runId);
      server.api(token).get("/v1/threads/" + thread + "/runs/" + runId).expect(200);
    }
  }

  @Test
  void runWhenThreadNotVisibleOrNotAllowedOrBadInputThenErrorFramesWithTheRequestIdAndTheSocketStaysOpen()
      throws Exception {
    String alice = project.workspaceToken("alice");
    String thread = server.api(alice).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
    String input = ",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
    try (Socket socket = Socket.open(wsUrl("?token=" + project.workspaceToken("bob")), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"run\",\"thread_id\":\"" + thread + "\",\"request_id\":\"r1\"" + input);
      JsonNode error = socket.next();
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("code").asText()).isEqualTo("not_found");
      assertThat(error.path("request_id").asText()).isEqualTo("r1");
    }
    try (Socket socket = Socket.open(wsUrl("?token=" + alice), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"run\",\"thread_id\":\"" + thread + "\",\"request_id\":\"r2\",\"input\":{}}");
      JsonNode error = socket.next();
      assertThat(error.path("code").asText()).isEqualTo("invalid_request");
      assertThat(error.path("request_id").asText()).isEqualTo("r2");
    }
    String readOnly = project.api().post("/v1/client-tokens", Map.of("policy",
        List.of(Map.of("type", "agent", "id", agent, "access", List.of("read_messages"))))).expect(201).json()
        .get("token").asText();
    String own = project.thread(agent);
    try (Socket socket = Socket.open(wsUrl("?token=" + readOnly), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"run\",\"thread_id\":\"" + own + "\",\"request_id\":\"r3\"" + input);
      JsonNode error = socket.next();
      assertThat(error.path("code").asText()).isEqualTo("insufficient_scope");
      assertThat(error.path("request_id").asText()).isEqualTo("r3");
      socket.send("{\"type\":\"ping\"}");
      assertThat(socket.next().path("type").asText()).isEqualTo("pong");
    }
  }

  // ---------------------------------------------------------------- limits

  @Test
  void frameWhenLargerThanTheLimitThenClosedWith4008() throws Exception {
    try (Socket socket = Socket.open(limitedUrl("?token=" + limitedProject.workspaceToken("big")), b -> { })) {
      socket.next();
      socket.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1024) + "\"}");
      Closed closed = socket.closed();
      assertThat(closed.code()).isEqualTo(4008);
      assertThat(closed.reason()).startsWith("frame_too_large");
    }
  }

  @Test
  void framesWhenFasterThanTheRateAndBurstThenClosedWith4008() throws Exception {
    try (Socket socket = Socket.open(limitedUrl("?token=" + limitedProject.workspaceToken("fast")), b -> { })) {
      socket.next();
      for (int i = 0; i < 5; i++) {
        socket.send("{\"type\":\"ping\"}");
      }
      for (int i = 0; i < 5; i++) {
        assertThat(socket.next().path("type").asText()).as("the burst is answered").isEqualTo("pong");
      }
      for (int i = 0; i < 20 && !socket.isClosed(); i++) {
        socket.sendIfOpen("{\"type\":\"ping\"}");
      }
      Closed closed = socket.closed();
      assertThat(closed.code()).isEqualTo(4008);
      assertThat(closed.reason()).startsWith("too_many_frames");
    }
  }

  @Test
  void socketWhenClientSendsNothingForTheIdleTimeoutThenClosedWith4008Idle() throws Exception {
    try (Socket socket = Socket.open(limitedUrl("?token=" + limitedProject.workspaceToken("idle")), b -> { })) {
      socket.next();
      Instant opened = Instant.now();
      Closed closed = socket.closed();
      assertThat(closed.code()).isEqualTo(4008);
      assertThat(closed.reason()).startsWith("idle");
      assertThat(Duration.between(opened, Instant.now())).isGreaterThan(Duration.ofMillis(1000));
    }
  }

  @Test
  void socketWhenClientPingsWithinTheIdleTimeoutThenStaysOpen() throws Exception {
    try (Socket socket = Socket.open(limitedUrl("?token=" + limitedProject.workspaceToken("chatty")), b -> { })) {
      socket.next();
      Instant until = Instant.now().plusMillis(3500);
      while (Instant.now().isBefore(until)) {
        socket.send("{\"type\":\"ping\"}");
        assertThat(socket.next().path("type").asText()).isEqualTo("pong");
        assertThat(socket.closedWithin(Duration.ofMillis(500))).isEmpty();
      }
    }
  }

  @Test
  void upgradeWhenThePrincipalHoldsTheMostSocketsThen429RateLimitedUntilOneCloses() throws Exception {
    String token = limitedProject.workspaceToken("many");
    String sameWorkspace = limitedProject.workspaceToken("many");
    try (Socket first = Socket.open(limitedUrl("?token=" + token), b -> { });
        Socket second = Socket.open(limitedUrl("?token=" + sameWorkspace), b -> { })) {
      first.next();
      second.next();
      String response = RawHttp.once(limited.server.port(), RawHttp.upgrade("/v1/ws?token=" + token, ""));
      assertThat(response).startsWith("HTTP/1.1 429").contains("Retry-After: ").contains("\"code\":\"rate_limited\"")
          .doesNotContain("Sec-WebSocket-Accept");
      try (Socket other = Socket.open(limitedUrl("?token=" + limitedProject.workspaceToken("someone-else")), b -> { })) {
        assertThat(other.next().path("type").asText()).as("another principal is not limited").isEqualTo("ready");
      }
      first.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
      first.closed();
      Instant deadline = Instant.now().plus(WAIT);
      int status = 429;
      while (status == 429 && Instant.now().isBefore(deadline)) {
        status = Integer.parseInt(RawHttp.once(limited.server.port(), RawHttp.upgrade("/v1/ws?token=" + token, ""))
            .substring(9, 12));
      }
      assertThat(status).as("a slot is free once a socket closed").isEqualTo(101);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, Object> run(String content) {
    return Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", content))));
  }

  private static Map<String, Object> clientTokenBody(Map<String, Object> more) {
    Map<String, Object> body = new HashMap<>(Map.of("policy",
        List.of(Map.of("type", "agent", "id", agent, "access", List.of("read_messages", "write_messages")))));
    body.putAll(more);
    return body;
  }

  private static String clientToken(Map<String, Object> more) {
    return project.api().post("/v1/client-tokens", clientTokenBody(more)).expect(201).json().get("token").asText();
  }

  private static String shortWorkspaceToken(String workspace, int ttlSeconds) {
    return project.api().post("/v1/workspace-tokens", Map.of("workspace_id", workspace, "ttl_seconds", ttlSeconds))
        .expect(201).json().get("token").asText();
  }

  private static String limitedUrl(String query) {
    return "ws://127.0.0.1:" + limited.server.port() + "/v1/ws" + query;
  }

  private static String wsUrl(String query) {
    return "ws://127.0.0.1:" + server.server.port() + "/v1/ws" + query;
  }

  /** The status of a handshake that the server refused. */
  private static int handshakeStatus(String url, Consumer<WebSocket.Builder> options) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    options.accept(builder);
    try {
      builder.buildAsync(URI.create(url), new WebSocket.Listener() { }).join().abort();
      throw new AssertionError("the upgrade was accepted");
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  record Closed(int code, String reason) {}

  /** A connected client whose text frames queue up as JSON, and whose close is awaited with a deadline. */
  static final class Socket implements AutoCloseable {
    final WebSocket ws;
    private final LinkedBlockingQueue<JsonNode> frames;
    private final CompletableFuture<Closed> closed;

    private Socket(WebSocket ws, LinkedBlockingQueue<JsonNode> frames, CompletableFuture<Closed> closed) {
      this.ws = ws;
      this.frames = frames;
      this.closed = closed;
    }

    static Socket open(String url, Consumer<WebSocket.Builder> options) {
      LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
      CompletableFuture<Closed> closed = new CompletableFuture<>();
      WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
      options.accept(builder);
      WebSocket ws = builder.buildAsync(URI.create(url), new WebSocket.Listener() {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
          text.append(data);
          if (last) {
            try {
              frames.add(Api.JSON.readTree(text.toString()));
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
            text.setLength(0);
          }
          webSocket.request(1);
          return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
          closed.complete(new Closed(statusCode, reason));
          return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
          closed.completeExceptionally(error);
        }
      }).join();
      return new Socket(ws, frames, closed);
    }

    void send(String text) {
      ws.sendText(text, true).join();
    }

    JsonNode next() throws InterruptedException {
      JsonNode frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(frame).as("a frame within %s", WAIT).isNotNull();
      return frame;
    }

    /** Frames up to and including the first that {@code last} accepts. */
    List<JsonNode> until(java.util.function.Predicate<JsonNode> last) throws InterruptedException {
      List<JsonNode> seen = new ArrayList<>();
      while (true) {
        JsonNode frame = next();
        seen.add(frame);
        if (last.test(frame)) {
          return seen;
        }
      }
    }

    Closed closed() throws Exception {
      return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code revoke} and asserts that the socket closes with {@code 4003 token_revoked}
     * within 1.5 s (API.md section 8: within 1 s, plus the test's own HTTP round trips).
     */
    void assertClosedAsRevokedSoonAfter(Runnable revoke) throws Exception {
      revoke.run();
      Instant revoked = Instant.now();
      Closed closed = closed();
      assertThat(closed.code()).isEqualTo(4003);
      assertThat(closed.reason()).startsWith("token_revoked");
      assertThat(Duration.between(revoked, Instant.now())).isLessThan(Duration.ofMillis(1500));
    }

    /** The close, if it comes within {@code wait}. */
    java.util.Optional<Closed> closedWithin(Duration wait) throws Exception {
      try {
        return java.util.Optional.of(closed.get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS));
      } catch (java.util.concurrent.TimeoutException stillOpen) {
        return java.util.Optional.empty();
      }
    }

    boolean isClosed() {
      return closed.isDone();
    }

    /** Sends unless the server has closed meanwhile, when sending may fail. */
    void sendIfOpen(String text) {
      try {
        ws.sendText(text, true).join();
      } catch (CompletionException closing) {
        // the server closed the socket
      }
    }

    @Override
    public void close() {
      ws.abort();
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

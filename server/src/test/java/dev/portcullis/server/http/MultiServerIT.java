package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.jwt.KeyEncryption;
import dev.portcullis.store.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL database, as API.md section 10 runs them: shared public URL
 * and key-encryption key. What one server does, the other honours.
 */
class MultiServerIT {

  @TempDir static Path dataA;
  @TempDir static Path dataB;
  static TestServer a;
  static TestServer b;
  static TestServer.ProjectKey project;

  @BeforeAll
  static void start() {
    String db = TestPostgres.shared().newDatabase();
    Map<String, String> shared = Map.of("db", db, "public-url", "http://portcullis.test",
        "key-encryption-key", KeyEncryption.generateBase64());
    a = new TestServer(dataA, shared);
    b = new TestServer(dataB, shared, a.adminKey);
    project = a.newProject("shared");
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  static Api onB(String credential) {
    return b.api(credential);
  }

  static String mint(String workspace) {
    return project.api().post("/v1/workspace-tokens", Map.of("workspace_id", workspace)).expect(201)
        .json().get("token").asText();
  }

  /** Polls until {@code status} is answered; returns how long that took. */
  static long millisUntil(Api api, String path, int status) throws InterruptedException {
    long start = System.nanoTime();
    while (api.get(path).status() != status) {
      assertThat(System.nanoTime() - start).as("waited for %d", status).isLessThan(5_000_000_000L);
      Thread.sleep(20);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void workspaceTokenWhenMintedOnOneServerThenAcceptedOnTheOther() {
    String token = mint("alice");
    JsonNode me = onB(token).get("/v1/me").expect(200).json();
    assertThat(me.get("workspace_id").asText()).isEqualTo("alice");
    assertThat(me.get("project_id").asText()).isEqualTo(project.projectId());
  }

  @Test
  void workspaceRevokedOnOneServerThenRefusedOnTheOtherWithinOneSecond() throws InterruptedException {
    String token = mint("carol");
    onB(token).get("/v1/me").expect(200);
    project.api().post("/v1/workspace-tokens/revoke", Map.of("workspace_id", "carol")).expect(204);
    assertThat(millisUntil(onB(token), "/v1/me", 401)).isLessThan(1000);
    onB(token).get("/v1/me").expectError(401, "token_revoked");
  }

  @Test
  void serverKeyRevokedOnOneServerThenRefusedOnTheOtherWithinTheCacheTtl() throws InterruptedException {
    TestServer.ProjectKey other = a.newProject("revoked-key");
    onB(other.key()).get("/v1/me").expect(200);
    a.admin.delete("/v1/projects/" + other.projectId() + "/api-keys/" + other.keyId()).expect(204);
    assertThat(millisUntil(onB(other.key()), "/v1/me", 401)).isLessThan(1500);
    onB(other.key()).get("/v1/me").expectError(401, "token_revoked");
  }

  @Test
  void signingKeyRotatedOnOneServerThenItsTokensVerifyOnTheOther() {
    String before = mint("dave");
    a.admin.post("/v1/signing-keys/rotate", Map.of()).expect(201);
    String after = mint("dave");
    onB(after).get("/v1/me").expect(200);
    onB(before).get("/v1/me").expect(200);
    JsonNode keys = b.anonymous().get("/.well-known/jwks.json").expect(200).json().get("keys");
    assertThat(keys.size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void runWhenStartedOnOneServerThenItsStreamJoinsOnTheOther() {
    String agent = project.agent();
    String thread = project.thread(agent);
    String run = project.api().post("/v1/threads/" + thread + "/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", "across servers"))))).expect(200).json().get("id").asText();
    String replay = onB(project.key()).get("/v1/threads/" + thread + "/runs/" + run + "/stream").expect(200).body();
    assertThat(replay).contains("event: run.created", "event: message.delta", "event: run.completed",
        "echo: across servers");
  }

  @Test
  void workspaceThreadsWhenCreatedOnOneServerThenPrivateOnTheOtherToo() {
    String agent = project.agent();
    String alice = mint("alice-mt");
    String bob = mint("bob-mt");
    String thread = a.api(alice).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
    onB(alice).get("/v1/threads/" + thread).expect(200);
    onB(bob).get("/v1/threads/" + thread).expectError(404, "not_found");
    assertThat(onB(bob).get("/v1/threads").expect(200).ids()).doesNotContain(thread);
  }

  @Test
  void clientTokenWhenRevokedOnOneServerThenRefusedOnTheOtherWithinOneSecond() throws InterruptedException {
    String agent = project.agent();
    com.fasterxml.jackson.databind.JsonNode minted = project.api().post("/v1/client-tokens", Map.of("policy",
        List.of(Map.of("type", "agent", "id", agent, "access", List.of("read_agent"))))).expect(201).json();
    String token = minted.get("token").asText();
    // B has seen the token, so it answers from its cache from now on.
    onB(token).get("/v1/agents/" + agent).expect(200);
    onB(token).get("/v1/agents/" + agent).expect(200);
    project.api().delete("/v1/client-tokens/" + minted.get("id").asText()).expect(204);
    assertThat(millisUntil(onB(token), "/v1/agents/" + agent, 401)).isLessThan(1000);
    onB(token).get("/v1/agents/" + agent).expectError(401, "token_revoked");
  }

  @Test
  void webSocketWhenSubscribedOnOneServerThenEventsOfARunStartedOnTheOtherArriveInOrder() throws Exception {
    String agent = project.agent();
    String alice = mint("alice-ws");
    String thread = a.api(alice).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
    String url = "ws://127.0.0.1:" + b.server.port() + "/v1/ws?token=" + alice;
    try (WebSocketIT.Socket onB = WebSocketIT.Socket.open(url, options -> { });
        WebSocketIT.Socket alsoOnB = WebSocketIT.Socket.open(url, options -> { })) {
      for (WebSocketIT.Socket socket : List.of(onB, alsoOnB)) {
        assertThat(socket.next().path("type").asText()).isEqualTo("ready");
        socket.send("{\"type\":\"subscribe\",\"thread_id\":\"" + thread + "\"}");
      }
      Thread.sleep(300); // both subscriptions have read their (empty) backlog
      a.api(alice).post("/v1/threads/" + thread + "/runs", Map.of("input", Map.of("messages",
          List.of(Map.of("role", "user", "content", "across sockets"))))).expect(200);

      List<JsonNode> frames = onB.until(f -> f.path("event").asText().equals("run.completed"));
      assertThat(frames.stream().map(f -> f.path("event").asText()).toList())
          .startsWith("run.created").contains("message.delta", "message.completed").endsWith("run.completed");
      List<Long> ids = frames.stream().map(f -> f.path("id").asLong()).toList();
      assertThat(ids).isSorted().doesNotHaveDuplicates();
      assertThat(frames.getLast().path("data").path("run").path("status").asText()).isEqualTo("completed");
      List<JsonNode> same = alsoOnB.until(f -> f.path("event").asText().equals("run.completed"));
      assertThat(same.stream().map(f -> f.path("id").asLong()).toList()).isEqualTo(ids);
    }
  }

  @Test
  void ticketWhenMintedOnOneServerThenOpensOnTheOtherOnceAndItsSocketEndsWithItsCredential() throws Exception {
    String agent = project.agent();
    JsonNode minted = project.api().post("/v1/client-tokens", Map.of("policy", List.of(Map.of("type", "agent",
        "id", agent, "access", List.of("read_messages"))))).expect(201).json();
    String ticket = a.api(minted.get("token").asText()).post("/v1/ws-tickets", Map.of()).expect(201).json()
        .get("ticket").asText();
    try (WebSocketIT.Socket onB = WebSocketIT.Socket.open(
        "ws://127.0.0.1:" + b.server.port() + "/v1/ws?token=" + ticket, options -> { })) {
      assertThat(onB.next().path("type").asText()).isEqualTo("ready");
      String again = RawHttp.once(a.server.port(), RawHttp.upgrade("/v1/ws?token=" + ticket, ""));
      assertThat(again).startsWith("HTTP/1.1 401").contains("\"code\":\"token_revoked\"");

      a.api(project.key()).delete("/v1/client-tokens/" + minted.get("id").asText()).expect(204);

      assertThat(onB.closed().code()).isEqualTo(4003);
    }
  }

  @Test
  void webSocketWhenItsServerKeyIsRevokedOnTheOtherServerThenClosedWith4003WithinASecond() throws Exception {
    TestServer.ProjectKey doomed = a.newProject("socket-key");
    try (WebSocketIT.Socket onB = WebSocketIT.Socket.open("ws://127.0.0.1:" + b.server.port() + "/v1/ws",
        options -> options.header("Authorization", "Bearer " + doomed.key()))) {
      assertThat(onB.next().path("type").asText()).isEqualTo("ready");

      a.admin.delete("/v1/projects/" + doomed.projectId() + "/api-keys/" + doomed.keyId()).expect(204);
      java.time.Instant revoked = java.time.Instant.now();

      assertThat(onB.closed().code()).isEqualTo(4003);
      // The revocation log's poll (200 ms) and the socket watch's look (250 ms), not the key cache's TTL.
      assertThat(java.time.Duration.between(revoked, java.time.Instant.now())).isLessThan(java.time.Duration.ofSeconds(1));
    }
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's multi-user chat application ({@code ../shared/seeds/000_*}): the backend logs users
 * in and mints each a 24-hour client token for that user's agent with {@code read_messages} and
 * {@code write_messages}, bound to the chat app's origin; each user then talks to the API with
 * that token only.
 */
class ClientTokenChatIT {

  static final String CHAT_APP = "https://chat.yourapp.com";

  @TempDir Path data;

  /** What the backend's login handler does: one token per user, for that user's agent. */
  private static String createUserToken(TestServer.ProjectKey backend, String agentId, List<String> access) {
    return backend.api().post("/v1/client-tokens", Map.of(
        "policy", List.of(Map.of("type", "agent", "id", agentId, "access", access)),
        "hostname", CHAT_APP,
        "expires_at", Instant.now().plus(Duration.ofHours(24)).toString())).expect(201).json().get("token").asText();
  }

  @Test
  void chatWhenEachUserHasATokenForTheirAgentThenEachChatsAloneAndDeletionLocksOut() {
    try (TestServer server = new TestServer(data)) {
      TestServer.ProjectKey backend = server.newProject("chat");
      String aliceAgent = backend.agent();
      String bobAgent = backend.agent();
      String aliceToken = createUserToken(backend, aliceAgent, List.of("read_messages", "write_messages"));
      String bobToken = createUserToken(backend, bobAgent, List.of("read_messages", "write_messages"));
      Api alice = server.api(aliceToken).withHeader("Origin", CHAT_APP);
      Api bob = server.api(bobToken).withHeader("Origin", CHAT_APP);

      String aliceThread = chat(alice, aliceAgent, "hi, I am alice");
      String bobThread = chat(bob, bobAgent, "hi, I am bob");

      // Neither reaches the other's agent or conversation.
      bob.get("/v1/threads/" + aliceThread).expectError(404, "not_found");
      bob.get("/v1/threads/" + aliceThread + "/messages").expectError(404, "not_found");
      bob.post("/v1/threads", Map.of("agent_id", aliceAgent)).expectError(403, "insufficient_scope");
      bob.get("/v1/agents/" + aliceAgent).expectError(404, "not_found");
      assertThat(bob.get("/v1/threads").expect(200).ids()).containsExactly(bobThread);
      assertThat(alice.get("/v1/threads").expect(200).ids()).containsExactly(aliceThread);

      // A read-only token can read the conversation but not post to it.
      Api reader = server.api(createUserToken(backend, aliceAgent, List.of("read_messages")))
          .withHeader("Origin", CHAT_APP);
      reader.get("/v1/threads/" + aliceThread + "/messages").expect(200);
      reader.post("/v1/threads/" + aliceThread + "/messages", Map.of("role", "user", "content", "sneaky"))
          .expectError(403, "insufficient_scope");

      // Logging alice out: the backend deletes her token, and she is locked out at once.
      String aliceTokenId = backend.api().get("/v1/client-tokens?limit=200").expect(200).json().get("data")
          .findValuesAsText("id").getFirst();
      backend.api().post("/v1/client-tokens/revoke", Map.of("token", aliceToken)).expect(204);
      alice.get("/v1/threads/" + aliceThread).expectError(401, "token_revoked");
      alice.post("/v1/threads/" + aliceThread + "/runs", run("still there?")).expectError(401, "token_revoked");
      assertThat(backend.api().get("/v1/client-tokens?limit=200").expect(200).body()).doesNotContain(aliceTokenId);
      bob.get("/v1/threads/" + bobThread).expect(200);
    }
  }

  private static String chat(Api user, String agent, String text) {
    String thread = user.post("/v1/threads", Map.of("agent_id", agent)).expect(201).json().get("id").asText();
    user.post("/v1/threads/" + thread + "/runs", run(text)).expect(200);
    assertThat(user.get("/v1/threads/" + thread + "/messages").expect(200).json().get("data").findValuesAsText("content"))
        .containsExactly(text, "echo: " + text);
    return thread;
  }

  private static Map<String, Object> run(String text) {
    return Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", text))));
  }
}

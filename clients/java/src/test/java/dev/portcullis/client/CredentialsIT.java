package dev.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who the client's credential is, and how the API's refusals of it reach the caller. */
class CredentialsIT {

  @TempDir static Path data;
  static LoopbackServer server;
  static LoopbackServer.Project project;

  @BeforeAll
  static void start() {
    server = new LoopbackServer(data);
    project = server.newProject("credentials");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void meWhenServerKeyThenServerPrincipalOfItsProjectWithoutExpiry() {
    Principal me = project.client().me();

    assertThat(me.kind()).isEqualTo(Principal.Kind.SERVER);
    assertThat(me.projectId()).contains(project.id());
    assertThat(me.identity()).startsWith("key_");
    assertThat(me.workspaceId()).isEmpty();
    assertThat(me.expiresAt()).isEmpty();
  }

  @Test
  void meWhenAdminKeyThenAdminPrincipalOfNoProject() {
    Principal me = server.client(server.adminKey).me();

    assertThat(me.kind()).isEqualTo(Principal.Kind.ADMIN);
    assertThat(me.projectId()).isEmpty();
    assertThat(me.permissions()).isNotEmpty();
  }

  @Test
  void meWhenKeyIsForgedThenUnauthorizedWithCodeAndRequestId() {
    String forged = project.serverKey().substring(0, project.serverKey().length() - 8) + "AAAAAAAA";

    assertThatThrownBy(() -> server.client(forged).me()).isInstanceOfSatisfying(PortcullisApiException.class, e -> {
      assertThat(e.status()).isEqualTo(401);
      assertThat(e.code()).isEqualTo("invalid_token");
      assertThat(e.requestId()).isNotBlank();
      assertThat(e.getMessage()).contains("GET /v1/me", "401", "invalid_token", e.requestId())
          .doesNotContain(forged);
    });
  }

  @Test
  void createAgentWhenAdminKeyThenForbiddenBecauseItBelongsToNoProject() {
    assertThatThrownBy(() -> server.client(server.adminKey).createAgent(NewAgent.named("nowhere")))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.code()).isEqualTo("forbidden");
        });
  }

  @Test
  void createAgentWhenBodyRefusedThenInvalidRequestWithTheServersSentence() {
    assertThatThrownBy(() -> project.client().createAgent(NewAgent.named("bad-model").withModel("gpt-5")))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("invalid_request");
          assertThat(e.serverMessage()).contains("model");
          assertThat(e.getMessage()).contains(e.serverMessage());
        });
  }
}

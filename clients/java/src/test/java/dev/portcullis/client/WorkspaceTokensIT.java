package dev.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workspace tokens through the client against a real server: minting, using and both ways of revoking. */
class WorkspaceTokensIT {

  @TempDir static Path data;
  static LoopbackServer server;
  static LoopbackServer.Project project;
  static PortcullisClient backend;

  @BeforeAll
  static void start() {
    server = new LoopbackServer(data);
    project = server.newProject("workspace-tokens");
    backend = project.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void assertRefusedAsRevoked(MintedWorkspaceToken token) {
    assertThatThrownBy(() -> server.client(token.token()).me()).isInstanceOfSatisfying(PortcullisApiException.class,
        e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.code()).isEqualTo("token_revoked");
        });
  }

  @Test
  void mintWorkspaceTokenWhenOnlyWorkspaceThenJwtWithJtiAndDefaultLifetime() {
    Instant before = Instant.now();

    MintedWorkspaceToken minted = backend.mintWorkspaceToken("ws_defaults");

    assertThat(minted.token().split("\\.")).as("a compact JWS").hasSize(3);
    assertThat(minted.jti()).startsWith("jti_");
    assertThat(minted.workspaceId()).isEqualTo("ws_defaults");
    assertThat(minted.expiresAt()).isCloseTo(before.plusSeconds(300), within(5, ChronoUnit.SECONDS));
  }

  @Test
  void mintedWorkspaceTokenWhenUsedThenAWorkspacePrincipalOfTheProject() {
    MintedWorkspaceToken minted = backend.mintWorkspaceToken("ws_use", Optional.of("user_7"),
        Optional.of(Duration.ofSeconds(120)), Map.of("plan", "pro"));

    Principal me = server.client(minted.token()).me();

    assertThat(me.kind()).isEqualTo(Principal.Kind.WORKSPACE);
    assertThat(me.identity()).isEqualTo("user_7");
    assertThat(me.workspaceId()).contains("ws_use");
    assertThat(me.projectId()).contains(project.id());
    assertThat(me.expiresAt()).contains(minted.expiresAt());
    assertThat(minted.expiresAt()).isCloseTo(Instant.now().plusSeconds(120), within(5, ChronoUnit.SECONDS));
  }

  @Test
  void revokeWorkspaceTokenWhenRevokedByJtiThenOnlyThatTokenRefused() {
    MintedWorkspaceToken revoked = backend.mintWorkspaceToken("ws_jti");
    MintedWorkspaceToken sibling = backend.mintWorkspaceToken("ws_jti");

    backend.revokeWorkspaceToken(revoked.jti());

    assertRefusedAsRevoked(revoked);
    assertThat(server.client(sibling.token()).me().workspaceId()).contains("ws_jti");
  }

  @Test
  void revokeWorkspaceWhenRevokedThenEveryTokenOfItRefusedAndOtherWorkspacesNot() {
    MintedWorkspaceToken first = backend.mintWorkspaceToken("ws_signed_out");
    MintedWorkspaceToken second = backend.mintWorkspaceToken("ws_signed_out", Optional.of("other-device"),
        Optional.empty(), Map.of());
    MintedWorkspaceToken elsewhere = backend.mintWorkspaceToken("ws_still_in");
    assertThat(server.client(first.token()).me().kind()).isEqualTo(Principal.Kind.WORKSPACE);

    backend.revokeWorkspace("ws_signed_out");

    assertRefusedAsRevoked(first);
    assertRefusedAsRevoked(second);
    assertThat(server.client(elsewhere.token()).me().workspaceId()).contains("ws_still_in");
  }

  @Test
  void mintWorkspaceTokenWhenClaimsSetARegisteredClaimThenInvalidRequest() {
    assertThatThrownBy(() -> backend.mintWorkspaceToken("ws_bad", Optional.empty(), Optional.empty(),
        Map.of("exp", 1))).isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("invalid_request");
          assertThat(e.serverMessage()).contains("exp");
        });
  }

  @Test
  void mintWorkspaceTokenWhenTtlBeyondAnHourThenInvalidRequest() {
    assertThatThrownBy(() -> backend.mintWorkspaceToken("ws_long", Optional.empty(),
        Optional.of(Duration.ofHours(2)), Map.of())).isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.code()).isEqualTo("invalid_request");
          assertThat(e.serverMessage()).contains("ttl_seconds");
        });
  }

  @Test
  void mintWorkspaceTokenWhenTtlHasAFractionOfASecondThenRefusedBeforeSending() {
    assertThatThrownBy(() -> backend.mintWorkspaceToken("ws_fraction", Optional.empty(),
        Optional.of(Duration.ofMillis(1500)), Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole seconds");
  }

  @Test
  void mintedWorkspaceTokenToStringWhenLoggedThenTokenRedacted() {
    MintedWorkspaceToken minted = backend.mintWorkspaceToken("ws_log");

    assertThat(minted.toString()).doesNotContain(minted.token()).contains("<redacted>").contains(minted.jti());
  }
}

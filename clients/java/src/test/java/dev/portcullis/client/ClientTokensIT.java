package dev.portcullis.client;

import static dev.portcullis.client.Grant.Access.READ_AGENT;
import static dev.portcullis.client.Grant.Access.READ_MESSAGES;
import static dev.portcullis.client.Grant.Access.WRITE_MESSAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client tokens through the client against a real server: minting, using, listing and both ways of revoking. */
class ClientTokensIT {

  @TempDir static Path data;
  static LoopbackServer server;
  static LoopbackServer.Project project;
  static PortcullisClient backend;
  static Agent agent;

  @BeforeAll
  static void start() {
    server = new LoopbackServer(data);
    project = server.newProject("client-tokens");
    backend = project.client();
    agent = backend.createAgent(NewAgent.named("chat"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void assertRefusedAsRevoked(String token) {
    assertThatThrownBy(() -> server.client(token).me()).isInstanceOfSatisfying(PortcullisApiException.class, e -> {
      assertThat(e.status()).isEqualTo(401);
      assertThat(e.code()).isEqualTo("token_revoked");
    });
  }

  @Test
  void mintClientTokenWhenOnlyPolicyThenSecretShownAndFiveMinuteDefault() {
    Instant before = Instant.now();

    MintedClientToken minted = backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT, WRITE_MESSAGES)));

    assertThat(minted.token()).startsWith("pc_ck_");
    assertThat(minted.id()).startsWith("ctk_");
    assertThat(minted.policy()).containsExactly(Grant.agent(agent.id(), WRITE_MESSAGES, READ_AGENT));
    assertThat(minted.hostname()).isEmpty();
    assertThat(minted.expiresAt()).isCloseTo(before.plus(Duration.ofMinutes(5)), within(5, ChronoUnit.SECONDS));
  }

  @Test
  void mintClientTokenWhenHostnameAndExpiryGivenThenBothKept() {
    Instant expiresAt = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);

    MintedClientToken minted = backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_MESSAGES)),
        Optional.of("https://app.example.com"), Optional.of(expiresAt));

    assertThat(minted.hostname()).contains("https://app.example.com");
    assertThat(minted.expiresAt()).isEqualTo(expiresAt);
  }

  @Test
  void mintedClientTokenWhenUsedThenItIsAClientPrincipalThatSeesItsAgent() {
    MintedClientToken minted = backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT)));
    PortcullisClient browser = server.client(minted.token());

    Principal me = browser.me();

    assertThat(me.kind()).isEqualTo(Principal.Kind.CLIENT);
    assertThat(me.identity()).isEqualTo(minted.id());
    assertThat(me.projectId()).contains(project.id());
    assertThat(me.expiresAt()).contains(minted.expiresAt());
    assertThat(browser.getAgent(agent.id())).isEqualTo(agent);
  }

  @Test
  void mintedClientTokenWhenMintingItselfThenForbidden() {
    PortcullisClient browser = server.client(backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT))).token());

    assertThatThrownBy(() -> browser.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT))))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.code()).isEqualTo("forbidden");
        });
  }

  @Test
  void revokeClientTokenWhenRevokedByIdThenRefusedAndNoLongerListed() {
    MintedClientToken minted = backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT)));
    assertThat(server.client(minted.token()).me().kind()).isEqualTo(Principal.Kind.CLIENT);

    backend.revokeClientToken(minted.id());

    assertRefusedAsRevoked(minted.token());
    assertThat(backend.listAllClientTokens().map(ClientToken::id)).doesNotContain(minted.id());
  }

  @Test
  void revokeClientTokenByValueWhenRevokedThenRefused() {
    MintedClientToken minted = backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT)));
    assertThat(server.client(minted.token()).me().kind()).isEqualTo(Principal.Kind.CLIENT);

    backend.revokeClientTokenByValue(minted.token());

    assertRefusedAsRevoked(minted.token());
  }

  @Test
  void revokeClientTokenWhenAlreadyRevokedOrUnknownThenNotFound() {
    MintedClientToken minted = backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT)));
    backend.revokeClientToken(minted.id());

    assertThatThrownBy(() -> backend.revokeClientToken(minted.id()))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    assertThatThrownBy(() -> backend.revokeClientToken("ctk_doesnotexist"))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void revokeClientTokenByValueWhenNotAClientTokenThenInvalidRequest() {
    assertThatThrownBy(() -> backend.revokeClientTokenByValue("not-a-token"))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("invalid_request");
        });
  }

  @Test
  void listClientTokensWhenThreeMintedThenPagedOldestFirstWithTheirPolicies() {
    PortcullisClient own = server.newProject("listing").client();
    Agent ownAgent = own.createAgent(NewAgent.named("a"));
    List<MintedClientToken> minted = List.of(
        own.mintClientToken(List.of(Grant.agent(ownAgent.id(), READ_AGENT))),
        own.mintClientToken(List.of(Grant.agent(ownAgent.id(), READ_MESSAGES))),
        own.mintClientToken(List.of(Grant.agent(ownAgent.id(), WRITE_MESSAGES))));

    Page<ClientToken> first = own.listClientTokens(PageRequest.first(2));
    Page<ClientToken> second = own.listClientTokens(PageRequest.first(2).next(first.nextCursor().orElseThrow()));

    assertThat(first.data()).hasSize(2);
    assertThat(second.data()).hasSize(1);
    assertThat(second.nextCursor()).isEmpty();
    assertThat(own.listAllClientTokens()).extracting(ClientToken::id, ClientToken::policy, ClientToken::expiresAt)
        .containsExactlyElementsOf(minted.stream()
            .map(m -> tuple(m.id(), m.policy(), m.expiresAt())).toList());
  }

  @Test
  void mintClientTokenWhenAGrantNamesAMissingAgentThenInvalidRequestNamingTheEntry() {
    List<Grant> policy = List.of(Grant.agent(agent.id(), READ_AGENT), Grant.agent("agt_missing", READ_AGENT));

    assertThatThrownBy(() -> backend.mintClientToken(policy)).isInstanceOfSatisfying(PortcullisApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo("invalid_request");
      assertThat(e.serverMessage()).contains("policy[1]");
      assertThat(e.requestId()).isNotBlank();
    });
  }

  @Test
  void mintClientTokenWhenExpiryInThePastThenInvalidRequest() {
    Optional<Instant> past = Optional.of(Instant.now().minusSeconds(60));

    assertThatThrownBy(() -> backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT)), Optional.empty(), past))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.code()).isEqualTo("invalid_request");
          assertThat(e.serverMessage()).contains("expires_at");
        });
  }

  @Test
  void mintedClientTokenToStringWhenLoggedThenValueRedacted() {
    MintedClientToken minted = backend.mintClientToken(List.of(Grant.agent(agent.id(), READ_AGENT)));

    assertThat(minted.toString()).doesNotContain(minted.token()).contains("<redacted>").contains(minted.id());
  }
}

package dev.portcullis.core.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.jwt.InMemoryRevocationStore;
import dev.portcullis.core.jwt.MutableClock;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WsTicketsTest {

  // Off a second boundary on purpose: workspace revocations compare whole seconds.
  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00.250Z"));
  final InMemoryWsTicketStore store = new InMemoryWsTicketStore();
  final InMemoryRevocationStore revocationLog = new InMemoryRevocationStore();
  final Revocations revocations = new Revocations(revocationLog, clock);
  final WsTickets tickets = new WsTickets(store, revocations, clock);

  static Principal client(Instant expiresAt) {
    return new Principal(Principal.Kind.CLIENT, "ctk_1", Optional.of("prj_1"), Optional.empty(), List.of(),
        Optional.of(expiresAt), "ctk_1", Map.of(
            "policy", List.of(Map.of("type", "agent", "id", "agt_1", "access", List.of("read_messages"))),
            "hostname", "https://app.example"));
  }

  Principal workspace() {
    return new Principal(Principal.Kind.WORKSPACE, "user-1", Optional.of("prj_1"), Optional.of("ws_1"),
        List.of("threads:own"), Optional.of(Instant.parse("2030-01-01T00:05:00Z")), "jti_1",
        Map.of("sub", "user-1", "plan", "pro", "seats", 3));
  }

  static Principal server() {
    return new Principal(Principal.Kind.SERVER, "key_1", Optional.of("prj_1"), Optional.empty(), List.of("project:*"),
        Optional.empty(), "key_1", Map.of());
  }

  static PortcullisException refusal(Runnable call) {
    try {
      call.run();
    } catch (PortcullisException e) {
      return e;
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void mintWhenCalledThenWellFormedTicketValidFor60Seconds() {
    WsTickets.Minted minted = tickets.mint(server());

    assertThat(OpaqueSecrets.isWellFormed(minted.ticket(), SecretKind.WS_TICKET)).isTrue();
    assertThat(minted.expiresAt()).isEqualTo(clock.instant().plusSeconds(60));
    assertThat(minted.toString()).doesNotContain(minted.ticket());
  }

  @Test
  void mintWhenCredentialExpiresSoonerThenTicketExpiresWithIt() {
    Instant credentialExpiry = clock.instant().plusSeconds(10);

    assertThat(tickets.mint(client(credentialExpiry)).expiresAt()).isEqualTo(credentialExpiry);
  }

  @Test
  void redeemWhenFirstUseThenTheSamePrincipalWithItsClaims() {
    Principal principal = workspace();
    String ticket = tickets.mint(principal).ticket();

    WsTickets.Redeemed redeemed = tickets.redeem(ticket);

    assertThat(redeemed.principal()).isEqualTo(principal);
    assertThat(redeemed.mintedAt()).isEqualTo(clock.instant());
  }

  @Test
  void redeemWhenClientPrincipalThenPolicyAndHostnameComeBack() {
    Principal principal = client(clock.instant().plusSeconds(300));

    assertThat(tickets.redeem(tickets.mint(principal).ticket()).principal()).isEqualTo(principal);
  }

  @Test
  void redeemWhenUsedTwiceThenTokenRevoked() {
    String ticket = tickets.mint(server()).ticket();
    tickets.redeem(ticket);

    PortcullisException second = refusal(() -> tickets.redeem(ticket));

    assertThat(second.code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
    assertThat(second.getMessage()).contains("used");
  }

  @Test
  void redeemWhenAt60SecondsThenAcceptedAndAfterThenExpired() {
    String onTime = tickets.mint(server()).ticket();
    String late = tickets.mint(server()).ticket();
    clock.advance(Duration.ofSeconds(60));

    assertThat(tickets.redeem(onTime).principal()).isEqualTo(server());
    clock.advance(Duration.ofMillis(1));
    assertThat(refusal(() -> tickets.redeem(late)).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
  }

  @Test
  void redeemWhenMalformedThenInvalidTokenWithoutAStoreRead() {
    String ticket = tickets.mint(server()).ticket();
    String tampered = ticket.substring(0, ticket.length() - 1) + (ticket.endsWith("A") ? "B" : "A");

    assertThat(refusal(() -> tickets.redeem(tampered)).code()).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(store.redeemCalls).isZero();
  }

  @Test
  void redeemWhenWellFormedButUnknownThenInvalidToken() {
    String unknown = OpaqueSecrets.mint(SecretKind.WS_TICKET).value();

    PortcullisException refused = refusal(() -> tickets.redeem(unknown));

    assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(refused.getMessage()).isEqualTo("The ticket is not known.");
  }

  @Test
  void redeemWhenCredentialRevokedAfterMintingThenRevoked() {
    String ticket = tickets.mint(client(clock.instant().plusSeconds(300))).ticket();
    revocations.revokeToken("prj_1", "ctk_1");

    assertThat(refusal(() -> tickets.redeem(ticket)).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
  }

  @Test
  void lapsedWhenCredentialExpiresThenTokenExpired() {
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(client(clock.instant().plusSeconds(30))).ticket());
    clock.advance(Duration.ofSeconds(30));
    assertThat(tickets.lapsed(redeemed)).isEmpty();

    clock.advance(Duration.ofMillis(1));

    assertThat(tickets.lapsed(redeemed)).get().extracting(PortcullisException::code).isEqualTo(ErrorCode.TOKEN_EXPIRED);
  }

  @Test
  void lapsedWhenWorkspaceTokenExpiresThenRefusedFromTheSecondAfterExp() {
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(workspace()).ticket());
    clock.advance(Duration.ofMillis(300_749)); // 00:05:00.999, in exp's second
    assertThat(tickets.lapsed(redeemed)).isEmpty();

    clock.advance(Duration.ofMillis(1)); // 00:05:01

    assertThat(tickets.lapsed(redeemed)).get().extracting(PortcullisException::code).isEqualTo(ErrorCode.TOKEN_EXPIRED);
  }

  @Test
  void lapsedWhenClientTokenRevokedOnAnotherServerThenRevoked() {
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(client(clock.instant().plusSeconds(300))).ticket());
    new Revocations(revocationLog, clock).revokeToken("prj_1", "ctk_1"); // another server, same log

    revocations.follow();

    assertThat(tickets.lapsed(redeemed)).get().extracting(PortcullisException::code).isEqualTo(ErrorCode.TOKEN_REVOKED);
  }

  @Test
  void lapsedWhenServerKeyRevokedThenRevoked() {
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(server()).ticket());

    revocations.revokeToken("prj_1", "key_1");

    assertThat(tickets.lapsed(redeemed)).get().extracting(PortcullisException::code).isEqualTo(ErrorCode.TOKEN_REVOKED);
  }

  @Test
  void lapsedWhenAnotherProjectRevokesTheSameIdThenStillHolds() {
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(server()).ticket());

    revocations.revokeToken("prj_2", "key_1");

    assertThat(tickets.lapsed(redeemed)).isEmpty();
  }

  @Test
  void lapsedWhenWorkspaceTokenRevokedByJtiThenRevoked() {
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(workspace()).ticket());

    revocations.revokeToken("prj_1", "jti_1");

    assertThat(tickets.lapsed(redeemed)).get().extracting(PortcullisException::code).isEqualTo(ErrorCode.TOKEN_REVOKED);
  }

  @Test
  void lapsedWhenWorkspaceRevokedAfterMintingThenRevoked() {
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(workspace()).ticket());
    clock.advance(Duration.ofSeconds(5));

    revocations.revokeWorkspace("prj_1", "ws_1");

    assertThat(tickets.lapsed(redeemed)).get().extracting(PortcullisException::code).isEqualTo(ErrorCode.TOKEN_REVOKED);
  }

  @Test
  void lapsedWhenWorkspaceRevokedSecondsBeforeMintingThenHolds() {
    // A user signed out, signed in again and got a new token: the old revocation is not theirs.
    revocations.revokeWorkspace("prj_1", "ws_1");
    clock.advance(Duration.ofSeconds(2));

    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(workspace()).ticket());

    assertThat(tickets.lapsed(redeemed)).isEmpty();
  }

  @Test
  void lapsedWhenAdminKeyThenOnlyExpiryCounts() {
    Principal admin = new Principal(Principal.Kind.ADMIN, "admin", Optional.empty(), Optional.empty(), List.of("*"),
        Optional.empty(), "admin", Map.of());
    WsTickets.Redeemed redeemed = tickets.redeem(tickets.mint(admin).ticket());
    clock.advance(Duration.ofDays(1));

    assertThat(tickets.lapsed(redeemed)).isEmpty();
    assertThat(redeemed.principal()).isEqualTo(admin);
  }

  @Test
  void mintWhenAMinutePassedThenTicketsExpiredOverAnHourAgoAreSwept() {
    String old = tickets.mint(server()).ticket();
    String used = tickets.mint(server()).ticket();
    tickets.redeem(used);
    clock.advance(Duration.ofMinutes(30));
    String recent = tickets.mint(server()).ticket();
    clock.advance(Duration.ofMinutes(32)); // old expired 61 min ago, recent 31 min ago

    tickets.mint(server());

    assertThatThrownBy(() -> tickets.redeem(old)).extracting(e -> ((PortcullisException) e).getMessage())
        .isEqualTo("The ticket is not known.");
    assertThat(refusal(() -> tickets.redeem(used)).getMessage()).isEqualTo("The ticket is not known.");
    assertThat(refusal(() -> tickets.redeem(recent)).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
  }
}

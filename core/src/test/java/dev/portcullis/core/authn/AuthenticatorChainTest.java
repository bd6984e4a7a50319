package dev.portcullis.core.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuthenticatorChainTest {

  static final Principal ALICE = new Principal(Principal.Kind.CUSTOM, "alice", Optional.of("prj_1"),
      Optional.empty(), List.of(), Optional.empty(), "c1", Map.of());

  static Credential credential(String value) {
    return new Credential(value, Credential.Source.AUTHORIZATION_HEADER);
  }

  @Test
  void authenticateWhenFirstAbstainsThenNextDecides() {
    AuthenticatorChain chain = new AuthenticatorChain(List.of(c -> AuthnResult.abstain(),
        c -> new AuthnResult.Authenticated(ALICE)));
    assertThat(chain.authenticate(credential("x"))).isEqualTo(ALICE);
  }

  @Test
  void authenticateWhenRejectedThenLaterAuthenticatorsAreNotAsked() {
    AtomicInteger asked = new AtomicInteger();
    AuthenticatorChain chain = new AuthenticatorChain(List.of(
        c -> new AuthnResult.Rejected(AuthnResult.Reason.REVOKED, "gone"),
        c -> {
          asked.incrementAndGet();
          return new AuthnResult.Authenticated(ALICE);
        }));
    assertThatThrownBy(() -> chain.authenticate(credential("x")))
        .isInstanceOfSatisfying(PortcullisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_REVOKED));
    assertThat(asked).hasValue(0);
  }

  @Test
  void authenticateWhenAllAbstainThenInvalidToken() {
    AuthenticatorChain chain = new AuthenticatorChain(List.of(c -> AuthnResult.abstain()));
    assertThatThrownBy(() -> chain.authenticate(credential("x")))
        .isInstanceOfSatisfying(PortcullisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
  }

  @Test
  void authenticateWhenCredentialOver8KibThenInvalidTokenWithoutAskingAnyone() {
    AtomicInteger asked = new AtomicInteger();
    AuthenticatorChain chain = new AuthenticatorChain(List.of(c -> {
      asked.incrementAndGet();
      return new AuthnResult.Authenticated(ALICE);
    }));
    assertThatThrownBy(() -> chain.authenticate(credential("a".repeat(8 * 1024 + 1))))
        .isInstanceOfSatisfying(PortcullisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    assertThat(chain.authenticate(credential("a".repeat(8 * 1024)))).isEqualTo(ALICE);
    assertThat(asked).hasValue(1);
  }

  @Test
  void credentialWhenPrintedThenValueRedacted() {
    assertThat(credential("pc_sk_secret").toString()).doesNotContain("pc_sk_secret");
  }
}

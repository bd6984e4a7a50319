package dev.portcullis.core.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.AuthnRequest;
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
  void authenticateWhenBuiltInAuthenticatesThenPluginsAreNotAsked() {
    AtomicInteger asked = new AtomicInteger();
    AuthenticatorChain chain = new AuthenticatorChain(List.of(c -> new AuthnResult.Authenticated(ALICE)),
        List.of(c -> {
          asked.incrementAndGet();
          return AuthnResult.abstain();
        }));
    assertThat(chain.authenticate(credential("x"))).isEqualTo(ALICE);
    assertThat(asked).hasValue(0);
  }

  @Test
  void authenticateWhenBuiltInsAbstainThenPluginDecides() {
    AuthenticatorChain chain = new AuthenticatorChain(List.of(c -> AuthnResult.abstain()),
        List.of(c -> new AuthnResult.Authenticated(ALICE)));
    assertThat(chain.hasPlugins()).isTrue();
    assertThat(chain.authenticate(credential("x"))).isEqualTo(ALICE);
  }

  /** Guards the SPI contract: a plugin's exception is a server fault (500), never a 401 or an abstention. */
  @Test
  void authenticateWhenPluginThrowsThenServerFaultNamingThePluginAndLaterPluginsNotAsked() {
    AtomicInteger asked = new AtomicInteger();
    Authenticator broken = new BrokenPlugin();
    AuthenticatorChain chain = new AuthenticatorChain(List.of(c -> AuthnResult.abstain()), List.of(broken, c -> {
      asked.incrementAndGet();
      return new AuthnResult.Authenticated(ALICE);
    }));
    assertThatThrownBy(() -> chain.authenticate(credential("x")))
        .isInstanceOf(IllegalStateException.class)
        .isNotInstanceOf(PortcullisException.class)
        .hasMessageContaining(BrokenPlugin.class.getName())
        .hasRootCauseMessage("backend unreachable");
    assertThat(asked).hasValue(0);
  }

  @Test
  void authenticateWhenPluginFailsToLinkThenServerFault() {
    AuthenticatorChain chain = new AuthenticatorChain(List.of(), List.of(c -> {
      throw new NoClassDefFoundError("com/example/Missing");
    }));
    assertThatThrownBy(() -> chain.authenticate(credential("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(NoClassDefFoundError.class);
  }

  @Test
  void authenticateWhenPluginReturnsNullThenServerFault() {
    AuthenticatorChain chain = new AuthenticatorChain(List.of(), List.of(c -> null));
    assertThatThrownBy(() -> chain.authenticate(credential("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned null");
  }

  @Test
  void authenticateWhenBuiltInThrowsThenItsExceptionPassesUnchanged() {
    PortcullisException down = new PortcullisException(ErrorCode.UNAVAILABLE, "The database is not reachable.");
    AuthenticatorChain chain = new AuthenticatorChain(List.of(c -> {
      throw down;
    }), List.of(c -> AuthnResult.abstain()));
    assertThatThrownBy(() -> chain.authenticate(credential("x"))).isSameAs(down);
  }

  private static final class BrokenPlugin implements Authenticator {
    @Override
    public AuthnResult authenticate(AuthnRequest request) {
      throw new IllegalStateException("backend unreachable");
    }
  }

  @Test
  void credentialWhenPrintedThenValueRedacted() {
    assertThat(credential("pc_sk_secret").toString()).doesNotContain("pc_sk_secret");
  }
}

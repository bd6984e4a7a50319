package dev.portcullis.core.authn;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.util.List;

/**
 * Asks each {@link Authenticator} in order; the first that does not abstain decides.
 * Thread-safe when its authenticators are.
 */
public final class AuthenticatorChain {

  /** Longer credentials are refused unread (API.md section 2). */
  public static final int MAX_CREDENTIAL_LENGTH = 8 * 1024;

  private final List<Authenticator> authenticators;

  public AuthenticatorChain(List<Authenticator> authenticators) {
    this.authenticators = List.copyOf(authenticators);
  }

  /**
   * @return the principal the credential proves
   * @throws PortcullisException {@code invalid_token}, {@code token_expired} or
   *     {@code token_revoked} when it proves nothing
   */
  public Principal authenticate(Credential credential) {
    if (credential.value().length() > MAX_CREDENTIAL_LENGTH) {
      throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The credential is longer than 8 KiB.");
    }
    for (Authenticator authenticator : authenticators) {
      AuthnResult result = authenticator.authenticate(credential);
      switch (result) {
        case AuthnResult.Authenticated a -> {
          return a.principal();
        }
        case AuthnResult.Rejected r -> throw new PortcullisException(codeOf(r.reason()), r.message());
        case AuthnResult.Abstained ignored -> {
          // next
        }
      }
    }
    throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The credential is not recognised.");
  }

  private static ErrorCode codeOf(AuthnResult.Reason reason) {
    return switch (reason) {
      case INVALID -> ErrorCode.INVALID_TOKEN;
      case EXPIRED -> ErrorCode.TOKEN_EXPIRED;
      case REVOKED -> ErrorCode.TOKEN_REVOKED;
    };
  }
}

package dev.portcullis.spi;

import java.util.Objects;

/**
 * What an {@link Authenticator} concluded about one credential.
 *
 * <p>{@link Abstained} means "not mine, ask the next authenticator"; {@link Rejected} means
 * "mine, and it is no good", which ends the chain.
 */
public sealed interface AuthnResult {

  /** The credential proved {@code principal}. */
  record Authenticated(Principal principal) implements AuthnResult {
    public Authenticated {
      Objects.requireNonNull(principal, "principal");
    }
  }

  /**
   * The credential is of this authenticator's kind but may not be used.
   *
   * @param reason why, which selects the error code the client sees
   * @param message a sentence for the client; must not contain the credential
   */
  record Rejected(Reason reason, String message) implements AuthnResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** The credential is not of this authenticator's kind. */
  record Abstained() implements AuthnResult {}

  /** Why a credential was rejected; each maps to one 401 code of API.md section 1. */
  enum Reason {
    /** Malformed, unknown, or badly signed: {@code invalid_token}. */
    INVALID,
    /** Past its expiry: {@code token_expired}. */
    EXPIRED,
    /** Revoked or deleted: {@code token_revoked}. */
    REVOKED
  }

  /** Shorthand for {@code new Abstained()}. */
  static AuthnResult abstain() {
    return new Abstained();
  }
}

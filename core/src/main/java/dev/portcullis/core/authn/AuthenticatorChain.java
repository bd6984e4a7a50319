package dev.portcullis.core.authn;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.util.List;

/**
 * Asks each {@link Authenticator} in order; the first that does not abstain decides.
 * Thread-safe when its authenticators are.
 *
 * <p>A plugin that throws (or returns null) ends the chain with an
 * {@link IllegalStateException} naming the plugin's class and carrying the cause, which the
 * server's error renderer answers as {@code 500 internal} and logs; see {@link Authenticator}.
 * Exceptions of the built-in authenticators pass unchanged (they throw
 * {@link PortcullisException} on purpose, for instance {@code unavailable} when the database
 * is down).
 */
public final class AuthenticatorChain {

  /** Longer credentials are refused unread (API.md section 2). */
  public static final int MAX_CREDENTIAL_LENGTH = 8 * 1024;

  private final List<Authenticator> authenticators;
  private final boolean hasPlugins;

  /** @param builtIn Portcullis's own authenticators, asked first; @param plugins then these */
  public AuthenticatorChain(List<Authenticator> builtIn, List<Authenticator> plugins) {
    List<Authenticator> all = new java.util.ArrayList<>(builtIn);
    plugins.forEach(plugin -> all.add(new Guarded(plugin)));
    this.authenticators = List.copyOf(all);
    this.hasPlugins = !plugins.isEmpty();
  }

  public AuthenticatorChain(List<Authenticator> builtIn) {
    this(builtIn, List.of());
  }

  /** Whether any plugin is in the chain (only plugins look at headers besides the credential). */
  public boolean hasPlugins() {
    return hasPlugins;
  }

  /**
   * @return the principal the request's credential proves
   * @throws PortcullisException {@code unauthenticated} when there is no credential and no
   *     authenticator took the request; {@code invalid_token}, {@code token_expired} or
   *     {@code token_revoked} when the credential proves nothing; {@code unavailable} when an
   *     authenticator cannot judge the credential now (an identity provider's keys cannot be
   *     fetched), which is neither a verdict on the credential nor an abstention
   */
  public Principal authenticate(AuthnRequest request) {
    if (request.credential().isPresent() && request.credential().get().value().length() > MAX_CREDENTIAL_LENGTH) {
      throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The credential is longer than 8 KiB.");
    }
    for (Authenticator authenticator : authenticators) {
      AuthnResult result = authenticator.authenticate(request);
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
    if (request.credential().isEmpty()) {
      throw new PortcullisException(ErrorCode.UNAUTHENTICATED,
          "This request needs a credential: Authorization: Bearer <key or token>.");
    }
    throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The credential is not recognised.");
  }

  /** Shorthand for a request that carries only {@code credential}. */
  public Principal authenticate(Credential credential) {
    return authenticate(AuthnRequest.of(credential));
  }

  /** A plugin whose exceptions become a server fault that names it. */
  private record Guarded(Authenticator plugin) implements Authenticator {
    @Override
    public AuthnResult authenticate(AuthnRequest request) {
      AuthnResult result;
      try {
        result = plugin.authenticate(request);
      } catch (RuntimeException | LinkageError e) {
        // LinkageError: a plugin jar missing one of its own dependencies fails only when called.
        throw new IllegalStateException("authenticator plugin " + plugin.getClass().getName() + " threw", e);
      }
      if (result == null) {
        throw new IllegalStateException("authenticator plugin " + plugin.getClass().getName() + " returned null");
      }
      return result;
    }
  }

  private static ErrorCode codeOf(AuthnResult.Reason reason) {
    return switch (reason) {
      case INVALID -> ErrorCode.INVALID_TOKEN;
      case EXPIRED -> ErrorCode.TOKEN_EXPIRED;
      case REVOKED -> ErrorCode.TOKEN_REVOKED;
    };
  }
}

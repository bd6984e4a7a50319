package dev.portcullis.server.http;

import dev.portcullis.core.authn.AuthenticatorChain;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Runs before every handler: finds the credential, authenticates it, and asks the
 * {@link Authorizer} about the route's operation. Handlers receive the resulting
 * {@link Access} and never decide permissions themselves.
 */
final class RequestGate {

  private final AuthenticatorChain authenticators;
  private final Authorizer authorizer;

  RequestGate(AuthenticatorChain authenticators, Authorizer authorizer) {
    this.authenticators = authenticators;
    this.authorizer = authorizer;
  }

  Access admit(Context ctx, RouteOperation route) {
    if (route.operation().resource() == Resource.PUBLIC) {
      return Access.ANONYMOUS;
    }
    Credential credential = CredentialExtractor.extract(ctx, route.queryToken())
        .orElseThrow(() -> new PortcullisException(ErrorCode.UNAUTHENTICATED,
            "This request needs a credential: Authorization: Bearer <key or token>."));
    Principal principal = authenticators.authenticate(credential);
    Optional<String> resourceId = Optional.ofNullable(ctx.pathParamMap().get("id"));
    Decision decision = authorizer.decide(new AuthzRequest(principal, route.operation(), resourceId));
    return switch (decision) {
      case Decision.Allowed allowed -> new Access(Optional.of(principal), allowed.filter());
      case Decision.Denied denied -> throw new PortcullisException(denied.code(), denied.reason());
    };
  }
}

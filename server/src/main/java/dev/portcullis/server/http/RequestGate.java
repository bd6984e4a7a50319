package dev.portcullis.server.http;

import dev.portcullis.core.authn.AuthenticatorChain;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs before every handler: finds the credential, authenticates it, and asks the
 * {@link Authorizer} about the route's operation. Handlers receive the resulting
 * {@link Access} and never decide permissions themselves.
 */
final class RequestGate {

  private final AuthenticatorChain authenticators;
  private final Authorizer authorizer;
  private final PublicOrigin origin;

  RequestGate(AuthenticatorChain authenticators, Authorizer authorizer, PublicOrigin origin) {
    this.authenticators = authenticators;
    this.authorizer = authorizer;
    this.origin = origin;
  }

  /** Headers are copied for plugins only: the built-in authenticators need the credential alone. */
  private Map<String, List<String>> headersFor(Context ctx) {
    if (!authenticators.hasPlugins()) {
      return Map.of();
    }
    Map<String, List<String>> headers = new HashMap<>();
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      headers.put(name, Collections.list(ctx.req().getHeaders(name)));
    }
    return headers;
  }

  Access admit(Context ctx, RouteOperation route) {
    if (route.operation().resource() == Resource.PUBLIC) {
      return Access.ANONYMOUS;
    }
    Optional<Credential> credential = CredentialExtractor.extract(ctx, route.queryToken(), origin);
    Principal principal = authenticators.authenticate(new AuthnRequest(credential, headersFor(ctx)));
    Optional<String> resourceId = Optional.ofNullable(ctx.pathParamMap().get("id"));
    Decision decision = authorizer.decide(new AuthzRequest(principal, route.operation(), resourceId));
    return switch (decision) {
      case Decision.Allowed allowed -> new Access(Optional.of(principal), allowed.filter(), allowed.ruleMetadata());
      case Decision.Denied denied -> throw new PortcullisException(denied.code(), denied.reason());
    };
  }
}

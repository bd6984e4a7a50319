package dev.portcullis.server.http;

import dev.portcullis.core.audit.AuditLog;
import dev.portcullis.core.authn.AuthenticatorChain;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.clienttoken.ClientTokenAuthenticator;
import dev.portcullis.core.clienttoken.Origins;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.ticket.WsTickets;
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
 *
 * <p>On a self-authenticated route ({@link Routes#postSelfAuthenticated}) the gate finds the
 * credential but leaves its verification to the handler, which gets an {@link Unverified} and
 * passes the principal it proved to {@link Unverified#admit}: authorization is still the
 * gate's.
 */
final class RequestGate {

  private final AuthenticatorChain authenticators;
  private final Authorizer authorizer;
  private final PublicOrigin origin;
  private final AuditLog audit;
  private final AuthzResources resources;
  private final JsonBodies bodies;
  private final WsTickets tickets;

  RequestGate(AuthenticatorChain authenticators, Authorizer authorizer, PublicOrigin origin, AuditLog audit,
      AuthzResources resources, JsonBodies bodies, WsTickets tickets) {
    this.bodies = bodies;
    this.tickets = tickets;
    this.audit = audit;
    this.authenticators = authenticators;
    this.authorizer = authorizer;
    this.origin = origin;
    this.resources = resources;
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
    if (route.selfAuthenticated()) {
      throw new IllegalStateException("a self-authenticated route is admitted through unverified()");
    }
    return admit(ctx, route, CredentialExtractor.extract(ctx, route.queryToken(), origin));
  }

  /**
   * Admits a WebSocket upgrade: its credential may also travel in the {@code bearer.}
   * subprotocol (API.md section 2). The returned access's {@link Access#credentialCheck()}
   * re-authenticates that credential for the socket's lifetime.
   */
  Access admitUpgrade(Context ctx, RouteOperation route) {
    return admit(ctx, route, CredentialExtractor.extractUpgrade(ctx, origin));
  }

  private Access admit(Context ctx, RouteOperation route, Optional<Credential> credential) {
    Authenticated who = authenticate(credential, headersFor(ctx), route.queryToken(), ErrorRenderer.requestId(ctx));
    return authorize(ctx, route, who.principal()).withCheck(who.check());
  }

  /** A proved caller, and how to ask again whether the credential that proved it still holds. */
  private record Authenticated(Principal principal, Access.CredentialCheck check) {}

  /**
   * Proves who {@code credential} stands for: a ticket by redeeming it (API.md section 2), where
   * {@code ticketAllowed} (the WebSocket and GET streams), anything else through the chain. A
   * {@code 401} is recorded in the audit log.
   */
  private Authenticated authenticate(Optional<Credential> credential, Map<String, List<String>> headers,
      boolean ticketAllowed, String requestId) {
    try {
      if (credential.isPresent() && credential.get().value().startsWith(SecretKind.WS_TICKET.prefix())) {
        if (!ticketAllowed) {
          throw new PortcullisException(ErrorCode.INVALID_TOKEN,
              "A ticket opens a WebSocket or a GET stream only; send the credential itself here.");
        }
        WsTickets.Redeemed redeemed = tickets.redeem(credential.get().value());
        return new Authenticated(redeemed.principal(), () -> tickets.lapsed(redeemed));
      }
      Principal principal = authenticators.authenticate(new AuthnRequest(credential, headers));
      return new Authenticated(principal, recheck(credential, headers, principal));
    } catch (PortcullisException e) {
      if (e.code().status() == 401) { // not unavailable: that is no verdict on the credential
        audit.authenticationFailed(credential, e.code(), e.getMessage(), requestId);
      }
      throw e;
    }
  }

  /**
   * Authenticates {@code credential} again, as a stream does between events: from the
   * authenticators' caches, so that revocation, which they consult on every call, ends it.
   */
  private Access.CredentialCheck recheck(Optional<Credential> credential, Map<String, List<String>> headers,
      Principal principal) {
    return () -> {
      try {
        Principal now = authenticators.authenticate(new AuthnRequest(credential, headers));
        return now.credentialId().equals(principal.credentialId()) ? Optional.empty()
            : Optional.of(new PortcullisException(ErrorCode.TOKEN_REVOKED, "The credential changed."));
      } catch (PortcullisException refused) {
        return Optional.of(refused);
      }
    };
  }

  /**
   * The credential of a self-authenticated route, not yet verified.
   *
   * @throws PortcullisException {@code unauthenticated} without an {@code Authorization} header,
   *     {@code invalid_request} with two credentials or one in {@code ?token=},
   *     {@code invalid_token} for a credential over 8 KiB
   */
  Unverified unverified(Context ctx, RouteOperation route) {
    Optional<Credential> found = CredentialExtractor.authorizationHeader(ctx);
    PortcullisException refused = found.isEmpty()
        ? new PortcullisException(ErrorCode.UNAUTHENTICATED, "This request needs a credential: Authorization: Bearer <token>.")
        : found.get().value().length() > AuthenticatorChain.MAX_CREDENTIAL_LENGTH
            ? new PortcullisException(ErrorCode.INVALID_TOKEN, "The credential is longer than 8 KiB.")
            : null;
    if (refused != null) {
      audit.authenticationFailed(found, refused.code(), refused.getMessage(), ErrorRenderer.requestId(ctx));
      throw refused;
    }
    Credential credential = found.get();
    return new Unverified(credential, principal -> authorize(ctx, route, principal),
        e -> audit.authenticationFailed(Optional.of(credential), e.code(), e.getMessage(), ErrorRenderer.requestId(ctx)));
  }

  /**
   * What a self-authenticated handler starts from: the request's credential, which it must
   * verify, and the gate's authorization step for the principal it proves.
   */
  static final class Unverified {
    private final Credential credential;
    private final java.util.function.Function<Principal, Access> authorize;
    private final java.util.function.Consumer<PortcullisException> onFailure;

    private Unverified(Credential credential, java.util.function.Function<Principal, Access> authorize,
        java.util.function.Consumer<PortcullisException> onFailure) {
      this.credential = credential;
      this.authorize = authorize;
      this.onFailure = onFailure;
    }

    /**
     * Runs the handler's {@code verifier} on the credential; a {@code 401} it throws is recorded
     * in the audit log like the chain's, then passes unchanged.
     */
    <T> T verify(java.util.function.Function<Credential, T> verifier) {
      try {
        return verifier.apply(credential);
      } catch (PortcullisException e) {
        if (e.code().status() == 401) {
          onFailure.accept(e);
        }
        throw e;
      }
    }

    /** The credential as it arrived; nothing about it is verified. */
    Credential credential() {
      return credential;
    }

    /**
     * Runs the authorizer on the route's operation for {@code principal}, which the handler
     * must have proved from {@link #credential()}.
     *
     * @throws PortcullisException the authorizer's denial
     */
    Access admit(Principal principal) {
      return authorize.apply(principal);
    }
  }

  /**
   * A client token bound to a hostname is honoured only from that origin, named by {@code Origin}
   * or, without one, by {@code Referer} (API.md section 5). This guards against accidental use
   * from another site, not against theft: anyone holding the token can send any header.
   */
  private void requireBoundOrigin(Context ctx, Principal principal, Operation operation, Optional<String> resourceId) {
    if (principal.kind() != Principal.Kind.CLIENT
        || !(principal.claims().get(ClientTokenAuthenticator.HOSTNAME_CLAIM) instanceof String hostname)) {
      return;
    }
    Optional<String> origin = Origins.ofRequest(ctx.header("Origin"), ctx.header("Referer"));
    if (origin.isEmpty() || !origin.get().equals(hostname)) {
      String message = "This client token may be used only from " + hostname + ".";
      audit.denied(principal, operation, resourceId, Optional.empty(), ErrorCode.ORIGIN_NOT_ALLOWED, message,
          ErrorRenderer.requestId(ctx));
      throw new PortcullisException(ErrorCode.ORIGIN_NOT_ALLOWED, message);
    }
  }

  private Access authorize(Context ctx, RouteOperation route, Principal principal) {
    Optional<String> resourceId = Optional.ofNullable(ctx.pathParamMap().get("id"));
    Operation operation = route.operation();
    requireBoundOrigin(ctx, principal, operation, resourceId);
    return decide(principal, operation, resourceId, () -> bodies.bytes(ctx), ErrorRenderer.requestId(ctx));
  }

  /**
   * Authorizes an operation that a WebSocket frame names on resource {@code id}, exactly as the
   * gate authorizes the REST route naming it (a {@code subscribe} is {@code GET /v1/threads/{id}}).
   * The socket's credential was checked at the upgrade and is re-checked by the socket itself.
   *
   * @throws PortcullisException the denial: {@code not_found} when the caller cannot see the
   *     resource, else the rule's code
   */
  Access authorizeFrame(Principal principal, Operation operation, String id, String requestId) {
    return authorizeFrame(principal, operation, id, new byte[0], requestId);
  }

  /**
   * As {@link #authorizeFrame(Principal, Operation, String, String)} for a frame that carries
   * what the REST route reads as its body ({@code run} is {@code POST /v1/threads/{id}/runs}
   * with {@code {"input"}}), so that rules on the body decide alike.
   */
  Access authorizeFrame(Principal principal, Operation operation, String id, byte[] body, String requestId) {
    return decide(principal, operation, Optional.of(id), () -> body, requestId);
  }

  /**
   * Authenticates a credential that arrived in a WebSocket {@code auth} frame by the rules of
   * the upgrade's {@code ?token=}: never an admin or server key, a ticket redeemed, a client token bound to a
   * hostname only from that origin (the socket's {@code Origin} or {@code Referer}), and
   * authorized for the socket's own operation. The returned access's
   * {@link Access#credentialCheck()} re-authenticates it for the rest of the socket's life.
   *
   * @param origin the upgrade request's {@code Origin} header, if any
   * @param referer the upgrade request's {@code Referer} header, if any
   * @throws PortcullisException {@code invalid_request} for an admin or server key,
   *     the chain's {@code 401}, {@code origin_not_allowed}, or the authorizer's denial
   */
  Access admitFrameCredential(String token, Optional<String> origin, Optional<String> referer,
      RouteOperation route, String requestId) {
    if (token.startsWith(SecretKind.ADMIN_KEY.prefix()) || token.startsWith(SecretKind.SERVER_KEY.prefix())) {
      throw PortcullisException.invalidRequest(
          "Admin and server keys must not be sent in a frame; send them in the upgrade's Authorization header.");
    }
    Authenticated who = authenticate(Optional.of(new Credential(token, Credential.Source.QUERY)), Map.of(), true,
        requestId);
    Principal principal = who.principal();
    if (principal.kind() == Principal.Kind.CLIENT
        && principal.claims().get(ClientTokenAuthenticator.HOSTNAME_CLAIM) instanceof String hostname) {
      Optional<String> from = Origins.ofRequest(origin.orElse(null), referer.orElse(null));
      if (from.isEmpty() || !from.get().equals(hostname)) {
        String message = "This client token may be used only from " + hostname + ".";
        audit.denied(principal, route.operation(), Optional.empty(), Optional.empty(), ErrorCode.ORIGIN_NOT_ALLOWED,
            message, requestId);
        throw new PortcullisException(ErrorCode.ORIGIN_NOT_ALLOWED, message);
      }
    }
    return decide(principal, route.operation(), Optional.empty(), () -> new byte[0], requestId).withCheck(who.check());
  }

  private Access decide(Principal principal, Operation operation, Optional<String> resourceId,
      java.util.function.Supplier<byte[]> body, String requestId) {
    Decision decision = authorizer.decide(new AuthzRequest(principal, operation, resourceId,
        resources.lazily(principal.projectId(), operation, resourceId, body)));
    return switch (decision) {
      case Decision.Allowed allowed -> new Access(Optional.of(principal), allowed.filter(), allowed.ruleMetadata());
      case Decision.Denied denied -> {
        audit.denied(principal, operation, resourceId, denied.rule(), denied.code(), denied.reason(), requestId);
        // API.md section 7: a deny on a resource the caller cannot see is still 404, so that a
        // 403 never confirms that another user's, another project's or a missing resource exists.
        if (resourceId.isPresent() && (operation.resource() == Resource.THREADS || operation.resource() == Resource.AGENTS)
            && !resources.readable(principal, operation.resource(), resourceId.get())) {
          throw PortcullisException.notFound(operation.resource() == Resource.THREADS ? "Thread" : "Agent");
        }
        throw new PortcullisException(denied.code(), denied.reason());
      }
    };
  }
}

package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE;
import static dev.portcullis.core.authz.Action.DELETE;
import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Resource.PUBLIC;
import static dev.portcullis.core.authz.Resource.SESSIONS;
import static dev.portcullis.core.authz.Resource.SIGNING_KEYS;
import static dev.portcullis.core.authz.Resource.WORKSPACE_TOKENS;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.core.audit.AuditLog;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.jwt.SigningKeyRing;
import dev.portcullis.core.jwt.WorkspaceTokens;
import dev.portcullis.core.ticket.WsTickets;
import dev.portcullis.core.view.JsonViews;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Workspace tokens, their revocation, the signing keys and their JWKS, the same-origin
 * session cookie and single-use tickets (API.md sections 2 and 6).
 */
final class IdentityRoutes {

  static final String COOKIE = "portcullis_token";

  private final WorkspaceTokens tokens;
  private final Revocations revocations;
  private final SigningKeyRing keys;
  private final WsTickets tickets;
  private final PublicOrigin origin;
  private final Responses respond;
  private final AuditLog audit;

  IdentityRoutes(WorkspaceTokens tokens, Revocations revocations, SigningKeyRing keys, WsTickets tickets,
      PublicOrigin origin, Responses respond, AuditLog audit) {
    this.tickets = tickets;
    this.audit = audit;
    this.tokens = tokens;
    this.revocations = revocations;
    this.keys = keys;
    this.origin = origin;
    this.respond = respond;
  }

  record MintToken(@JsonProperty("workspace_id") String workspaceId, @JsonProperty("user_id") String userId,
      @JsonProperty("ttl_seconds") Integer ttlSeconds, Map<String, Object> claims) {}

  record RevokeTokens(String jti, @JsonProperty("workspace_id") String workspaceId) {}

  /** The answer of a mint: {@code POST /v1/workspace-tokens} and {@code POST /v1/auth/exchange}. */
  static Map<String, Object> tokenView(WorkspaceTokens.Minted minted) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("token", minted.token());
    view.put("token_type", "Bearer");
    view.put("expires_in", minted.ttl().toSeconds());
    view.put("expires_at", JsonViews.time(minted.expiresAt()));
    view.put("workspace_id", minted.workspaceId());
    view.put("jti", minted.jti());
    return view;
  }

  void register(Routes routes) {
    routes.post("/v1/workspace-tokens", WORKSPACE_TOKENS, CREATE, (ctx, access) -> {
      MintToken body = respond.bodies().read(ctx, MintToken.class);
      Duration ttl = body.ttlSeconds() == null ? WorkspaceTokens.DEFAULT_TTL : Duration.ofSeconds(body.ttlSeconds());
      WorkspaceTokens.Minted minted = tokens.mint(new WorkspaceTokens.MintRequest(access.scope().projectId(),
          body.workspaceId(), Optional.ofNullable(body.userId()), ttl,
          body.claims() == null ? Map.of() : body.claims()));
      audit.workspaceTokenCreated(access.caller(), access.scope().projectId(), minted.workspaceId(), minted.jti(),
          ErrorRenderer.requestId(ctx));
      respond.created(ctx, tokenView(minted));
    });
    routes.post("/v1/workspace-tokens/revoke", WORKSPACE_TOKENS, DELETE, (ctx, access) -> {
      RevokeTokens body = respond.bodies().read(ctx, RevokeTokens.class);
      String project = access.scope().projectId();
      if ((body.jti() == null) == (body.workspaceId() == null)) {
        throw PortcullisException.invalidRequest("Give exactly one of jti and workspace_id.");
      }
      if (body.jti() != null) {
        revocations.revokeToken(project, Validation.name(body.jti(), "jti"));
      } else {
        revocations.revokeWorkspace(project, Validation.name(body.workspaceId(), "workspace_id"));
      }
      audit.workspaceTokenRevoked(access.caller(), project, Optional.ofNullable(body.jti()).map(String::strip),
          Optional.ofNullable(body.workspaceId()).map(String::strip), ErrorRenderer.requestId(ctx));
      respond.noContent(ctx);
    });
    routes.get("/.well-known/jwks.json", PUBLIC, READ, (ctx, access) -> {
      // Short: a verifier must see a newly rotated key soon after it starts signing.
      ctx.header("Cache-Control", "public, max-age=60");
      respond.ok(ctx, keys.jwks());
    });
    routes.post("/v1/signing-keys/rotate", SIGNING_KEYS, CREATE, (ctx, access) -> {
      String kid = keys.rotate();
      audit.signingKeyRotated(access.caller(), kid, ErrorRenderer.requestId(ctx));
      respond.created(ctx, Map.of("kid", kid));
    });

    routes.post("/v1/auth/session", SESSIONS, CREATE, (ctx, access) -> {
      Principal caller = access.caller();
      if (caller.kind() == Principal.Kind.ADMIN || caller.kind() == Principal.Kind.SERVER) {
        throw PortcullisException.invalidRequest("Admin and server keys do not belong in a browser cookie.");
      }
      String credential = CredentialExtractor.bearerOf(ctx).orElseThrow(() ->
          PortcullisException.invalidRequest("Send the credential for the cookie in the Authorization header."));
      origin.requireSameOrigin(ctx);
      long maxAge = caller.expiresAt().map(e -> Math.max(0, Duration.between(Instant.now(), e).toSeconds())).orElse(3600L);
      ctx.header("Set-Cookie", COOKIE + "=" + credential + "; Path=/; Max-Age=" + maxAge
          + "; HttpOnly; SameSite=Strict" + (origin.isLoopback() ? "" : "; Secure"));
      respond.ok(ctx, JsonViews.principal(caller));
    });
    // Any credential may ask for a ticket (API.md section 2): the ticket stands for it once, for
    // 60 seconds, in a URL where the credential itself must not go.
    routes.post("/v1/ws-tickets", SESSIONS, CREATE, (ctx, access) -> {
      WsTickets.Minted minted = tickets.mint(access.caller());
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("ticket", minted.ticket());
      view.put("expires_at", JsonViews.time(minted.expiresAt()));
      respond.created(ctx, view);
    });
    routes.delete("/v1/auth/session", SESSIONS, DELETE, (ctx, access) -> {
      ctx.header("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
          + (origin.isLoopback() ? "" : "; Secure"));
      respond.noContent(ctx);
    });
  }

}

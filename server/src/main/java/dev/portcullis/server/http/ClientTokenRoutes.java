package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE;
import static dev.portcullis.core.authz.Action.DELETE;
import static dev.portcullis.core.authz.Action.SEARCH;
import static dev.portcullis.core.authz.Resource.CLIENT_TOKENS;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.core.audit.AuditLog;
import dev.portcullis.core.clienttoken.ClientToken;
import dev.portcullis.core.clienttoken.ClientTokens;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.view.JsonViews;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Client-side tokens (API.md section 5); a server key mints, lists and revokes its project's. */
final class ClientTokenRoutes {

  private final ClientTokens tokens;
  private final Responses respond;
  private final AuditLog audit;

  ClientTokenRoutes(ClientTokens tokens, Responses respond, AuditLog audit) {
    this.tokens = tokens;
    this.respond = respond;
    this.audit = audit;
  }

  record Grant(String type, String id, List<String> access) {}

  record MintClientToken(List<Grant> policy, String hostname, @JsonProperty("expires_at") String expiresAt) {}

  record RevokeClientToken(String token) {}

  void register(Routes routes) {
    routes.post("/v1/client-tokens", CLIENT_TOKENS, CREATE, (ctx, access) -> {
      MintClientToken body = respond.bodies().read(ctx, MintClientToken.class);
      String projectId = access.scope().projectId();
      List<ClientTokens.RequestedGrant> policy = body.policy() == null ? List.of() : body.policy().stream()
          .map(g -> g == null ? null : new ClientTokens.RequestedGrant(g.type(), g.id(), g.access())).toList();
      ClientTokens.Minted minted = tokens.mint(projectId, policy, Optional.ofNullable(body.hostname()),
          Optional.ofNullable(body.expiresAt()));
      audit.clientTokenCreated(access.caller(), projectId, minted.token().id(), ErrorRenderer.requestId(ctx));
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("id", minted.token().id());
      view.put("token", minted.value()); // shown this once, never again
      view.putAll(view(minted.token()));
      respond.created(ctx, view);
    });
    routes.get("/v1/client-tokens", CLIENT_TOKENS, SEARCH, (ctx, access) ->
        respond.ok(ctx, JsonViews.page(tokens.list(access.scope().projectId(), Validation.page(ctx)),
            ClientTokenRoutes::view)));
    routes.delete("/v1/client-tokens/{id}", CLIENT_TOKENS, DELETE, (ctx, access) ->
        revoked(ctx, access, tokens.revoke(access.scope().projectId(), ctx.pathParam("id"))));
    routes.post("/v1/client-tokens/revoke", CLIENT_TOKENS, DELETE, (ctx, access) -> {
      RevokeClientToken body = respond.bodies().read(ctx, RevokeClientToken.class);
      if (body.token() == null || body.token().isBlank()) {
        throw PortcullisException.invalidRequest("token is required.");
      }
      revoked(ctx, access, tokens.revokeByValue(access.scope().projectId(), body.token().strip()));
    });
  }

  private void revoked(Context ctx, Access access, ClientToken token) {
    audit.clientTokenRevoked(access.caller(), token.projectId(), token.id(), ErrorRenderer.requestId(ctx));
    respond.noContent(ctx);
  }

  /** A token without its secret. */
  static Map<String, Object> view(ClientToken token) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", token.id());
    view.put("policy", ClientTokens.policyView(token.policy()));
    view.put("hostname", token.hostname().orElse(null));
    view.put("expires_at", JsonViews.time(token.expiresAt()));
    view.put("created_at", JsonViews.time(token.createdAt()));
    return view;
  }
}

package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE;
import static dev.portcullis.core.authz.Action.DELETE;
import static dev.portcullis.core.authz.Action.SEARCH;
import static dev.portcullis.core.authz.Resource.AUTH_RULES;
import static dev.portcullis.core.authz.Resource.SESSIONS;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.core.audit.AuditLog;
import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.authrule.AuthRules;
import dev.portcullis.core.jwt.ProviderIdentity;
import dev.portcullis.core.jwt.ProviderTokenExchange;
import dev.portcullis.core.jwt.WorkspaceTokens;
import dev.portcullis.core.view.JsonViews;
import java.util.List;
import java.util.Optional;

/**
 * Identity providers (API.md section 6): a project's auth rules (server key), and the exchange
 * of a provider's JWT for a workspace token.
 */
final class AuthRuleRoutes {

  private final AuthRules rules;
  private final ProviderTokenExchange exchange;
  private final Responses respond;
  private final AuditLog audit;

  AuthRuleRoutes(AuthRules rules, ProviderTokenExchange exchange, Responses respond, AuditLog audit) {
    this.audit = audit;
    this.rules = rules;
    this.exchange = exchange;
    this.respond = respond;
  }

  record CreateAuthRule(String name, String issuer, @JsonProperty("jwks_uri") String jwksUri, String audience,
      @JsonProperty("workspace_claim") String workspaceClaim, List<String> algorithms) {}

  record Exchange(@JsonProperty("project_id") String projectId) {}

  void register(Routes routes) {
    routes.post("/v1/auth-rules", AUTH_RULES, CREATE, (ctx, access) -> {
      CreateAuthRule body = respond.bodies().read(ctx, CreateAuthRule.class);
      AuthRule rule = rules.create(access.scope().projectId(), new AuthRules.Draft(body.name(), body.issuer(),
          body.jwksUri(), body.audience(), Optional.ofNullable(body.workspaceClaim()),
          Optional.ofNullable(body.algorithms())));
      audit.authRuleCreated(access.caller(), rule.projectId(), rule.id(), ErrorRenderer.requestId(ctx));
      respond.created(ctx, JsonViews.authRule(rule));
    });
    routes.get("/v1/auth-rules", AUTH_RULES, SEARCH, (ctx, access) ->
        respond.ok(ctx, JsonViews.page(rules.list(access.scope().projectId(), Validation.page(ctx)),
            JsonViews::authRule)));
    routes.delete("/v1/auth-rules/{id}", AUTH_RULES, DELETE, (ctx, access) -> {
      rules.delete(access.scope().projectId(), ctx.pathParam("id"));
      audit.authRuleDeleted(access.caller(), access.scope().projectId(), ctx.pathParam("id"), ErrorRenderer.requestId(ctx));
      respond.noContent(ctx);
    });

    // Several projects may trust one issuer, so only the body's project_id says whose rules
    // apply: the chain cannot verify this credential, the handler does.
    routes.postSelfAuthenticated("/v1/auth/exchange", SESSIONS, CREATE, (ctx, request) -> {
      Exchange body = respond.bodies().read(ctx, Exchange.class);
      String projectId = Validation.name(body.projectId(), "project_id");
      ProviderIdentity identity = request.verify(c -> exchange.verify(c.value(), projectId));
      request.admit(identity.principal());
      WorkspaceTokens.Minted minted = exchange.mint(identity);
      audit.workspaceTokenCreated(identity.principal(), projectId, minted.workspaceId(), minted.jti(),
          ErrorRenderer.requestId(ctx));
      respond.created(ctx, IdentityRoutes.tokenView(minted));
    });
  }
}

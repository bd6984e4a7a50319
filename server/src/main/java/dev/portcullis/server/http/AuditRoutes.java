package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.SEARCH;
import static dev.portcullis.core.authz.Resource.AUDIT;

import dev.portcullis.core.audit.AuditEvent;
import dev.portcullis.core.store.AuditStore;
import dev.portcullis.core.view.JsonViews;
import dev.portcullis.spi.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/audit}: the audit log, oldest first. The admin key reads every event; a
 * server key reads its own project's; other credentials are refused by the authorizer.
 */
final class AuditRoutes {

  private final AuditStore audit;
  private final Responses respond;

  AuditRoutes(AuditStore audit, Responses respond) {
    this.audit = audit;
    this.respond = respond;
  }

  void register(Routes routes) {
    routes.get("/v1/audit", AUDIT, SEARCH, (ctx, access) -> {
      // Anyone but the admin is confined to the project of its credential (403 without one).
      Optional<String> project = access.caller().kind() == Principal.Kind.ADMIN
          ? Optional.empty()
          : Optional.of(access.scope().projectId());
      respond.ok(ctx, JsonViews.page(audit.list(project, Validation.page(ctx)), AuditRoutes::view));
    });
  }

  static Map<String, Object> view(AuditStore.Recorded recorded) {
    AuditEvent e = recorded.event();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", recorded.id());
    view.put("time", JsonViews.time(e.at()));
    view.put("project_id", e.projectId().orElse(null));
    view.put("actor", e.actor());
    view.put("action", e.action());
    view.put("resource", e.resource());
    view.put("decision", e.decision().wireName());
    view.put("rule", e.rule().orElse(null));
    view.put("code", e.code().orElse(null));
    view.put("reason", e.reason().orElse(null));
    view.put("request_id", e.requestId().orElse(null));
    return view;
  }
}

package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE;
import static dev.portcullis.core.authz.Action.DELETE;
import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Action.SEARCH;
import static dev.portcullis.core.authz.Resource.API_KEYS;
import static dev.portcullis.core.authz.Resource.PROJECTS;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.core.apikey.ApiKeys;
import dev.portcullis.core.audit.AuditLog;
import dev.portcullis.core.domain.Project;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.store.ProjectStore;
import dev.portcullis.core.view.JsonViews;
import java.util.Map;
import java.util.Optional;

/** Projects and their server API keys (API.md section 3); admin key only. */
final class ProjectRoutes {

  private final ProjectStore projects;
  private final ApiKeys apiKeys;
  private final Responses respond;
  private final AuditLog audit;

  ProjectRoutes(ProjectStore projects, ApiKeys apiKeys, Responses respond, AuditLog audit) {
    this.audit = audit;
    this.projects = projects;
    this.apiKeys = apiKeys;
    this.respond = respond;
  }

  record CreateProject(String name) {}

  record CreateApiKey(String name, @JsonProperty("expires_at") String expiresAt) {}

  void register(Routes routes) {
    routes.post("/v1/projects", PROJECTS, CREATE, (ctx, access) -> {
      CreateProject body = respond.bodies().read(ctx, CreateProject.class);
      String name = Validation.name(body.name(), "name");
      Project project = projects.create(name);
      audit.projectCreated(access.caller(), project.id(), ErrorRenderer.requestId(ctx));
      respond.created(ctx, JsonViews.project(project));
    });
    routes.get("/v1/projects", PROJECTS, SEARCH, (ctx, access) ->
        respond.ok(ctx, JsonViews.page(projects.list(Validation.page(ctx)), JsonViews::project)));
    routes.get("/v1/projects/{id}", PROJECTS, READ, (ctx, access) ->
        respond.ok(ctx, JsonViews.project(project(ctx.pathParam("id")))));
    routes.delete("/v1/projects/{id}", PROJECTS, DELETE, (ctx, access) -> {
      if (!projects.delete(ctx.pathParam("id"))) {
        throw PortcullisException.notFound("Project");
      }
      respond.noContent(ctx);
    });

    routes.post("/v1/projects/{id}/api-keys", API_KEYS, CREATE, (ctx, access) -> {
      Project project = project(ctx.pathParam("id"));
      CreateApiKey body = respond.bodies().read(ctx, CreateApiKey.class);
      String name = Validation.name(body.name(), "name");
      ApiKeys.Created created = apiKeys.create(project.id(), name,
          Optional.ofNullable(body.expiresAt()).map(s -> Validation.time(s, "expires_at")));
      audit.apiKeyCreated(access.caller(), project.id(), created.key().id(), ErrorRenderer.requestId(ctx));
      Map<String, Object> view = new java.util.LinkedHashMap<>(JsonViews.apiKey(created.key()));
      view.put("key", created.value()); // shown this once, never again
      respond.created(ctx, view);
    });
    routes.get("/v1/projects/{id}/api-keys", API_KEYS, SEARCH, (ctx, access) -> {
      Project project = project(ctx.pathParam("id"));
      respond.ok(ctx, JsonViews.page(apiKeys.list(project.id(), Validation.page(ctx)), JsonViews::apiKey));
    });
    routes.delete("/v1/projects/{id}/api-keys/{key_id}", API_KEYS, DELETE, (ctx, access) -> {
      String projectId = project(ctx.pathParam("id")).id();
      apiKeys.revoke(projectId, ctx.pathParam("key_id"));
      audit.apiKeyRevoked(access.caller(), projectId, ctx.pathParam("key_id"), ErrorRenderer.requestId(ctx));
      respond.noContent(ctx);
    });
  }

  private Project project(String id) {
    return projects.find(id).orElseThrow(() -> PortcullisException.notFound("Project"));
  }

}

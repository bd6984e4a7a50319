package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE;
import static dev.portcullis.core.authz.Action.DELETE;
import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Action.SEARCH;
import static dev.portcullis.core.authz.Action.UPDATE;
import static dev.portcullis.core.authz.Resource.AGENTS;

import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.model.ModelCatalog;
import dev.portcullis.core.store.AgentStore;
import dev.portcullis.core.view.JsonViews;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Agents (API.md section 4). */
final class AgentRoutes {

  static final int MAX_SYSTEM_LENGTH = 100_000;

  private final AgentStore agents;
  private final ModelCatalog models;
  private final Responses respond;

  AgentRoutes(AgentStore agents, ModelCatalog models, Responses respond) {
    this.agents = agents;
    this.models = models;
    this.respond = respond;
  }

  record CreateAgent(String name, String model, String system, Map<String, Object> metadata) {}

  record PatchAgent(String name, String model, String system, Map<String, Object> metadata) {}

  void register(Routes routes) {
    routes.post("/v1/agents", AGENTS, CREATE, (ctx, access) -> {
      CreateAgent body = respond.bodies().read(ctx, CreateAgent.class);
      String model = body.model() == null ? ModelCatalog.ECHO : body.model();
      models.validate(model);
      var created = agents.create(access.scope().projectId(), new AgentStore.NewAgent(
          Validation.name(body.name(), "name"), model, system(body.system()),
          access.stamp(Validation.metadata(body.metadata(), "metadata"))));
      respond.created(ctx, JsonViews.agent(created));
    });
    routes.get("/v1/agents", AGENTS, SEARCH, (ctx, access) ->
        respond.ok(ctx, JsonViews.page(agents.list(access.scope(), Validation.page(ctx)), JsonViews::agent)));
    routes.get("/v1/agents/{id}", AGENTS, READ, (ctx, access) ->
        respond.ok(ctx, JsonViews.agent(agents.find(access.scope(), ctx.pathParam("id"))
            .orElseThrow(() -> PortcullisException.notFound("Agent")))));
    routes.patch("/v1/agents/{id}", AGENTS, UPDATE, (ctx, access) -> {
      PatchAgent body = respond.bodies().read(ctx, PatchAgent.class);
      Optional<String> model = Optional.ofNullable(body.model());
      model.ifPresent(models::validate);
      var patch = new AgentStore.AgentPatch(
          Optional.ofNullable(body.name()).map(n -> Validation.name(n, "name")), model,
          system(body.system()),
          Optional.ofNullable(body.metadata()).map(m -> replacedMetadata(ctx, access, m)));
      respond.ok(ctx, JsonViews.agent(agents.update(access.scope(), ctx.pathParam("id"), patch)
          .orElseThrow(() -> PortcullisException.notFound("Agent"))));
    });
    routes.delete("/v1/agents/{id}", AGENTS, DELETE, (ctx, access) -> {
      if (!agents.delete(access.scope(), ctx.pathParam("id"))) {
        throw PortcullisException.notFound("Agent");
      }
      respond.noContent(ctx);
    });
  }

  /**
   * The agent's new metadata: the caller's replaces it, except the keys the rules own, which the
   * caller may not set ({@code 403}) and which keep their stored values.
   */
  private Map<String, Object> replacedMetadata(Context ctx, Access access, Map<String, Object> given) {
    Map<String, Object> metadata = new HashMap<>(Validation.metadata(given, "metadata"));
    access.requireNoRuleKeys(metadata);
    if (!access.ruleMetadata().isEmpty()) {
      Map<String, Object> stored = agents.find(access.scope(), ctx.pathParam("id"))
          .orElseThrow(() -> PortcullisException.notFound("Agent")).metadata();
      access.ruleMetadata().keySet().forEach(key -> {
        if (stored.containsKey(key)) {
          metadata.put(key, stored.get(key));
        }
      });
    }
    return Validation.metadata(metadata, "metadata");
  }

  private static Optional<String> system(String system) {
    if (system != null && system.length() > MAX_SYSTEM_LENGTH) {
      throw PortcullisException.invalidRequest("system must be at most " + MAX_SYSTEM_LENGTH + " characters.");
    }
    return Optional.ofNullable(system);
  }
}

package dev.portcullis.core.store;

import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.Agent;
import java.util.Map;
import java.util.Optional;

/** Agents; every read and write is confined to a {@link Scope}. */
public interface AgentStore {

  Agent create(String projectId, NewAgent agent);

  Optional<Agent> find(Scope scope, String id);

  Page<Agent> list(Scope scope, PageRequest page);

  /** Applies the present fields of {@code patch}. @return empty when not in scope */
  Optional<Agent> update(Scope scope, String id, AgentPatch patch);

  boolean delete(Scope scope, String id);

  record NewAgent(String name, String model, Optional<String> system, Map<String, Object> metadata) {}

  /** Fields to change; absent means unchanged. */
  record AgentPatch(
      Optional<String> name,
      Optional<String> model,
      Optional<String> system,
      Optional<Map<String, Object>> metadata) {}
}

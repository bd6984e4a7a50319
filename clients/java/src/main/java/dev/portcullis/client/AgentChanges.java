package dev.portcullis.client;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to change in an agent ({@code PATCH /v1/agents/{id}}); an empty field is kept as it is:
 * {@code AgentChanges.none().withName("support-v2")}.
 *
 * @param metadata when present, replaces the agent's metadata as a whole
 */
public record AgentChanges(Optional<String> name, Optional<String> model, Optional<String> system,
    Optional<Map<String, Object>> metadata) {

  public AgentChanges {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(system, "system");
    metadata = metadata.map(Map::copyOf);
  }

  /** Changes nothing; add changes with the {@code with} methods. */
  public static AgentChanges none() {
    return new AgentChanges(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public AgentChanges withName(String name) {
    return new AgentChanges(Optional.of(name), model, system, metadata);
  }

  public AgentChanges withModel(String model) {
    return new AgentChanges(name, Optional.of(model), system, metadata);
  }

  public AgentChanges withSystem(String system) {
    return new AgentChanges(name, model, Optional.of(system), metadata);
  }

  public AgentChanges withMetadata(Map<String, ?> metadata) {
    return new AgentChanges(name, model, system, Optional.of(Map.copyOf(metadata)));
  }
}

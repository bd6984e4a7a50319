package dev.portcullis.client;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent to create: {@code NewAgent.named("support").withSystem("Answer briefly.")}.
 *
 * @param model empty for the server's default, {@code echo}
 * @param metadata free-form JSON (maps, lists, strings, numbers, booleans); keys of 1 to 64 of
 *     {@code A-Z a-z 0-9 _ -}, at most 16 KiB in all, which the server checks
 */
public record NewAgent(String name, Optional<String> model, Optional<String> system, Map<String, Object> metadata) {

  public NewAgent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(system, "system");
    metadata = Map.copyOf(metadata);
  }

  /** An agent called {@code name} with the default model, no system prompt and no metadata. */
  public static NewAgent named(String name) {
    return new NewAgent(name, Optional.empty(), Optional.empty(), Map.of());
  }

  public NewAgent withModel(String model) {
    return new NewAgent(name, Optional.of(model), system, metadata);
  }

  public NewAgent withSystem(String system) {
    return new NewAgent(name, model, Optional.of(system), metadata);
  }

  public NewAgent withMetadata(Map<String, ?> metadata) {
    return new NewAgent(name, model, system, Map.copyOf(metadata));
  }
}

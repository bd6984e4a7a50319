package dev.portcullis.core.policy;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a rule applies to, the {@code on} of API.md section 7: every operation ({@code *}), one
 * resource ({@code threads}) or one resource and action ({@code threads.create}). Immutable.
 */
public record RuleTarget(Optional<Resource> resource, Optional<Action> action) {

  /** How specific a target is; rules of a more specific level decide first. */
  public enum Level {
    /** {@code resource.action}, consulted first. */
    ACTION,
    /** {@code resource}. */
    RESOURCE,
    /** {@code *}, consulted last. */
    GLOBAL
  }

  public static final RuleTarget ANY = new RuleTarget(Optional.empty(), Optional.empty());

  public RuleTarget {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(action, "action");
    if (action.isPresent() && resource.isEmpty()) {
      throw new IllegalArgumentException("an action needs its resource");
    }
  }

  /**
   * Reads an {@code on} value.
   *
   * @throws IllegalArgumentException naming the unknown resource or action and the known ones
   */
  public static RuleTarget parse(String on) {
    String text = on.strip();
    if (text.equals("*")) {
      return ANY;
    }
    int dot = text.indexOf('.');
    Resource resource = resource(dot < 0 ? text : text.substring(0, dot));
    if (dot < 0) {
      return new RuleTarget(Optional.of(resource), Optional.empty());
    }
    return new RuleTarget(Optional.of(resource), Optional.of(action(text.substring(dot + 1))));
  }

  private static Resource resource(String name) {
    for (Resource resource : Resource.values()) {
      if (resource.wireName().equals(name)) {
        return resource;
      }
    }
    throw new IllegalArgumentException("unknown resource '" + name + "' in on; expected *, one of "
        + Arrays.stream(Resource.values()).map(Resource::wireName).collect(Collectors.joining(", "))
        + ", or resource.action");
  }

  private static Action action(String name) {
    for (Action action : Action.values()) {
      if (action.wireName().equals(name)) {
        return action;
      }
    }
    throw new IllegalArgumentException("unknown action '" + name + "' in on; expected one of "
        + Arrays.stream(Action.values()).map(Action::wireName).collect(Collectors.joining(", ")));
  }

  /** The level this target's rules are consulted at. */
  public Level level() {
    return action.isPresent() ? Level.ACTION : resource.isPresent() ? Level.RESOURCE : Level.GLOBAL;
  }

  /** Whether a rule with this target applies to {@code operation}. */
  public boolean matches(Operation operation) {
    return resource.map(r -> r == operation.resource()).orElse(true)
        && action.map(a -> a == operation.action()).orElse(true);
  }

  /** The {@code on} text: {@code *}, {@code threads} or {@code threads.create}. */
  @Override
  public String toString() {
    return resource.map(r -> r.wireName() + action.map(a -> "." + a.wireName()).orElse("")).orElse("*");
  }
}

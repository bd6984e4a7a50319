package dev.portcullis.core.authz;

import java.util.Objects;

/** What a route does, in authorization terms: one resource and one action. */
public record Operation(Resource resource, Action action) {

  public Operation {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(action, "action");
  }

  public static Operation of(Resource resource, Action action) {
    return new Operation(resource, action);
  }

  @Override
  public String toString() {
    return resource.wireName() + "." + action.wireName();
  }
}

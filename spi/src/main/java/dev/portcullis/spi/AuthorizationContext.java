package dev.portcullis.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The request an {@link AuthorizationHandler} decides. Immutable.
 *
 * @param principal who is asking
 * @param resource the resource's wire name, such as {@code threads}
 * @param action the action's wire name, such as {@code create_run}
 * @param attributes the resource as a policy's {@code resource} variable sees it (API.md
 *     section 7): the stored object ({@code id}, {@code metadata}, {@code agent_id}) for read,
 *     update, delete and runs, the request body for create, empty for search; values may be
 *     null, as JSON's {@code null} in a body or an agent without a model
 */
public record AuthorizationContext(Principal principal, String resource, String action, Map<String, Object> attributes) {

  public AuthorizationContext {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(action, "action");
    // Not Map.copyOf, which refuses the null values a request body may hold.
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }
}

package dev.portcullis.core.authz;

import dev.portcullis.spi.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One question for the {@link Authorizer}: may {@code principal} do {@code operation}, on the
 * resource {@code resourceId} when the route names one?
 *
 * @param resource the resource as rules see it (API.md section 7): the stored object for read,
 *     update, delete and runs, the request body for create, empty for search. Called at most
 *     once, and only when a rule needs it, so that loading the stored object costs nothing when
 *     no rule looks at it; it must not return null.
 */
public record AuthzRequest(
    Principal principal, Operation operation, Optional<String> resourceId, Supplier<Map<String, Object>> resource) {

  public AuthzRequest {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(resourceId, "resourceId");
    resource = once(Objects.requireNonNull(resource, "resource"));
  }

  /** A request whose resource, should a rule look at it, is empty. */
  public AuthzRequest(Principal principal, Operation operation, Optional<String> resourceId) {
    this(principal, operation, resourceId, Map::of);
  }

  private static Supplier<Map<String, Object>> once(Supplier<Map<String, Object>> supplier) {
    if (supplier instanceof Once) {
      return supplier;
    }
    return new Once(supplier);
  }

  /** Evaluates its delegate on first use; safe to share between threads. */
  private static final class Once implements Supplier<Map<String, Object>> {
    private final Supplier<Map<String, Object>> delegate;
    private volatile Map<String, Object> value;

    Once(Supplier<Map<String, Object>> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Map<String, Object> get() {
      Map<String, Object> result = value;
      if (result == null) {
        synchronized (this) {
          result = value;
          if (result == null) {
            result = Objects.requireNonNull(delegate.get(), "resource");
            value = result;
          }
        }
      }
      return result;
    }
  }
}

package dev.portcullis.core.authz;

import dev.portcullis.spi.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * One question for the {@link Authorizer}: may {@code principal} do {@code operation}, on the
 * resource {@code resourceId} when the route names one?
 */
public record AuthzRequest(Principal principal, Operation operation, Optional<String> resourceId) {

  public AuthzRequest {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(resourceId, "resourceId");
  }
}

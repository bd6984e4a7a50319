package dev.portcullis.server.http;

import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.Principal;
import java.util.Optional;

/**
 * What the gate hands a handler: who is calling (empty on public routes) and the filter the
 * authorization step decided on. Handlers pass {@link #scope()} to the store and check nothing
 * themselves.
 */
public record Access(Optional<Principal> principal, ResourceFilter filter) {

  static final Access ANONYMOUS = new Access(Optional.empty(), ResourceFilter.NONE);

  /** The caller; present on every route that is not public. */
  public Principal caller() {
    return principal.orElseThrow(() -> new IllegalStateException("public routes have no caller"));
  }

  /** The caller's project and the decided filter. */
  public Scope scope() {
    String project = caller().projectId().orElseThrow(() ->
        new PortcullisException(ErrorCode.FORBIDDEN, "This credential belongs to no project."));
    return new Scope(project, filter);
  }
}

package dev.portcullis.core.authz;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.Principal;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What each kind of credential can reach (API.md section 7, step 1) and the built-in rule set
 * (point 3). The admin key manages projects and their keys; a server key reaches everything
 * inside its own project (the store confines it there) and nothing that is the admin's. A
 * principal with a workspace (workspace tokens, identity-provider JWTs, plugins' principals)
 * sees only the threads its workspace created, stamped as {@code metadata.owner}, may read
 * and run the project's agents, and may not create, update or delete them.
 */
public final class CredentialLimitsAuthorizer implements Authorizer {

  /** The metadata key that records which workspace created a thread. */
  public static final String OWNER = "owner";

  private static final Set<Resource> ADMIN_ONLY =
      EnumSet.of(Resource.PROJECTS, Resource.API_KEYS, Resource.SIGNING_KEYS);
  private static final Set<Resource> ANY_AUTHENTICATED = EnumSet.of(Resource.PUBLIC, Resource.SESSIONS);

  @Override
  public Decision decide(AuthzRequest request) {
    Principal principal = request.principal();
    Resource resource = request.operation().resource();
    if (ANY_AUTHENTICATED.contains(resource)) {
      return Decision.Allowed.UNRESTRICTED;
    }
    return switch (principal.kind()) {
      case ADMIN -> ADMIN_ONLY.contains(resource) || resource == Resource.AUDIT
          ? Decision.Allowed.UNRESTRICTED
          : new Decision.Denied(ErrorCode.FORBIDDEN,
              "The admin key manages projects and their keys; use a server key of the project for "
                  + resource.wireName() + ".");
      case SERVER -> ADMIN_ONLY.contains(resource)
          ? new Decision.Denied(ErrorCode.FORBIDDEN, resource.wireName() + " requires the admin key.")
          : Decision.Allowed.UNRESTRICTED;
      default -> principal.workspaceId().isPresent()
          ? workspaceRules(principal.workspaceId().get(), request.operation())
          : new Decision.Denied(ErrorCode.FORBIDDEN, "This credential may not use " + resource.wireName() + ".");
    };
  }

  private static Decision workspaceRules(String workspaceId, Operation operation) {
    return switch (operation.resource()) {
      case THREADS -> new Decision.Allowed(ResourceFilter.metadataEquals(Map.of(OWNER, workspaceId)), Map.of(OWNER, workspaceId));
      case AGENTS -> operation.action() == Action.READ || operation.action() == Action.SEARCH
          ? Decision.Allowed.UNRESTRICTED
          : new Decision.Denied(ErrorCode.FORBIDDEN, "User lacks the required permissions.");
      default -> new Decision.Denied(ErrorCode.FORBIDDEN,
          "A workspace credential may not use " + operation.resource().wireName() + ".");
    };
  }
}

package dev.portcullis.core.authz;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.Principal;
import java.util.EnumSet;
import java.util.Set;

/**
 * Step 1 of API.md section 7: what each kind of credential can reach at all, before any
 * rule is consulted. The admin key manages projects and their keys; a server key reaches
 * everything inside its own project (the store confines it there) and nothing that is the
 * admin's.
 */
public final class CredentialLimitsAuthorizer implements Authorizer {

  private static final Set<Resource> ADMIN_ONLY =
      EnumSet.of(Resource.PROJECTS, Resource.API_KEYS, Resource.SIGNING_KEYS);
  private static final Set<Resource> ANY_AUTHENTICATED = EnumSet.of(Resource.PUBLIC, Resource.SESSIONS);

  @Override
  public Decision decide(AuthzRequest request) {
    Principal principal = request.principal();
    Resource resource = request.operation().resource();
    if (ANY_AUTHENTICATED.contains(resource)) {
      return new Decision.Allowed(ResourceFilter.NONE);
    }
    return switch (principal.kind()) {
      case ADMIN -> ADMIN_ONLY.contains(resource) || resource == Resource.AUDIT
          ? new Decision.Allowed(ResourceFilter.NONE)
          : new Decision.Denied(ErrorCode.FORBIDDEN,
              "The admin key manages projects and their keys; use a server key of the project for "
                  + resource.wireName() + ".");
      case SERVER -> ADMIN_ONLY.contains(resource)
          ? new Decision.Denied(ErrorCode.FORBIDDEN, resource.wireName() + " requires the admin key.")
          : new Decision.Allowed(ResourceFilter.NONE);
      default -> new Decision.Denied(ErrorCode.FORBIDDEN,
          "This credential may not use " + resource.wireName() + ".");
    };
  }
}

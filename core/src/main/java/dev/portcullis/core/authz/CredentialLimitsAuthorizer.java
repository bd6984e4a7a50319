package dev.portcullis.core.authz;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.Principal;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What each kind of credential can reach (API.md section 7, step 1), before any rule. The admin
 * key manages projects, their keys and the audit log; a server key reaches everything inside its
 * own project (the store confines it there) and nothing that is the admin's. A principal with a
 * workspace (workspace tokens, identity-provider JWTs, plugins' principals) reaches agents,
 * threads, sessions and public routes only; what it may do there is for the rules (the built-in
 * rule set confines it to its own threads, see {@code dev.portcullis.core.policy.Policy#builtIn()}).
 * A client token reaches what its policy grants and nothing else ({@link ClientTokenLimits}).
 * Any other credential reaches sessions and public routes only.
 *
 * <p>Allowed decisions carry no metadata, and no filter but a client token's reach: the rest
 * comes from rules. Thread-safe.
 */
public final class CredentialLimitsAuthorizer implements Authorizer {

  /** The metadata key that records which workspace created a thread. */
  public static final String OWNER = "owner";

  private static final Set<Resource> ADMIN_ONLY =
      EnumSet.of(Resource.PROJECTS, Resource.API_KEYS, Resource.SIGNING_KEYS);
  private static final Set<Resource> ANY_AUTHENTICATED = EnumSet.of(Resource.PUBLIC, Resource.SESSIONS);
  private static final Set<Resource> WORKSPACE_REACH = EnumSet.of(Resource.AGENTS, Resource.THREADS);

  @Override
  public Decision decide(AuthzRequest request) {
    Principal principal = request.principal();
    Resource resource = request.operation().resource();
    if (ANY_AUTHENTICATED.contains(resource)) {
      return allowed("credential limits: any credential reaches " + resource.wireName());
    }
    return switch (principal.kind()) {
      case ADMIN -> ADMIN_ONLY.contains(resource) || resource == Resource.AUDIT
          ? allowed("credential limits: the admin key reaches " + resource.wireName())
          : denied("The admin key manages projects and their keys; use a server key of the project for "
              + resource.wireName() + ".");
      case SERVER -> ADMIN_ONLY.contains(resource)
          ? denied(resource.wireName() + " requires the admin key.")
          : allowed("credential limits: server key reaches its project");
      case CLIENT -> ClientTokenLimits.decide(request);
      default -> {
        if (principal.workspaceId().isEmpty()) {
          yield denied("This credential may not use " + resource.wireName() + ".");
        }
        yield WORKSPACE_REACH.contains(resource)
            ? allowed("credential limits: a workspace credential reaches " + resource.wireName())
            : denied("A workspace credential may not use " + resource.wireName() + ".");
      }
    };
  }

  private static Decision allowed(String reason) {
    return new Decision.Allowed(ResourceFilter.NONE, Map.of(), Optional.empty(), List.of(reason));
  }

  private static Decision denied(String message) {
    return new Decision.Denied(ErrorCode.FORBIDDEN, message, Optional.empty(), List.of("credential limits: " + message));
  }
}

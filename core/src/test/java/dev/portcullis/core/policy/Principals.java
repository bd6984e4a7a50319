package dev.portcullis.core.policy;

import dev.portcullis.spi.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Principals of every kind, for authorization tests. */
final class Principals {

  private Principals() {}

  static Principal admin() {
    return new Principal(Principal.Kind.ADMIN, "admin", Optional.empty(), Optional.empty(), List.of(),
        Optional.empty(), "admin", Map.of());
  }

  static Principal server() {
    return new Principal(Principal.Kind.SERVER, "key_1", Optional.of("prj_1"), Optional.empty(), List.of(),
        Optional.empty(), "key_1", Map.of());
  }

  static Principal workspace(String workspaceId) {
    return workspace(workspaceId, Map.of());
  }

  static Principal workspace(String workspaceId, Map<String, Object> claims) {
    return new Principal(Principal.Kind.WORKSPACE, "user_" + workspaceId, Optional.of("prj_1"),
        Optional.of(workspaceId), List.of(), Optional.empty(), "tok_" + workspaceId, claims);
  }

  static Principal custom(Optional<String> workspaceId) {
    return new Principal(Principal.Kind.CUSTOM, "plugin-user", Optional.of("prj_1"), workspaceId, List.of(),
        Optional.empty(), "cred_custom", Map.of());
  }

}

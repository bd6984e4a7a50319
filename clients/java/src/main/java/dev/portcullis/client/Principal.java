package dev.portcullis.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who a credential is, as {@code GET /v1/me} answers (API.md section 2).
 *
 * @param kind what sort of credential it is
 * @param projectId the project it acts in; empty for the admin key
 * @param identity a stable name: the key or token id for keys and client tokens, the subject for workspace tokens
 * @param workspaceId the workspace of a workspace token
 * @param permissions coarse permission names, such as {@code project:*}
 * @param expiresAt when the credential stops working; empty when it does not expire
 */
public record Principal(Kind kind, Optional<String> projectId, String identity, Optional<String> workspaceId,
    List<String> permissions, Optional<Instant> expiresAt) {

  public Principal {
    permissions = List.copyOf(permissions);
  }

  /** The sorts of credential of API.md section 2; {@code CUSTOM} is one a server plugin accepted. */
  public enum Kind { ADMIN, SERVER, CLIENT, WORKSPACE, CUSTOM }
}

package dev.portcullis.core.apikey;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.ProjectStore;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates the {@code pc_ak_} admin key against the hash stored in the database, compared
 * in constant time. The hash is read on every admin request: admin traffic is rare, and
 * reading it keeps rotation effective at once on every server.
 */
public final class AdminKeyAuthenticator implements Authenticator {

  private static final Principal ADMIN = new Principal(Principal.Kind.ADMIN, "admin",
      Optional.empty(), Optional.empty(), List.of("admin"), Optional.empty(), "admin", Map.of());

  private final ProjectStore store;

  public AdminKeyAuthenticator(ProjectStore store) {
    this.store = store;
  }

  @Override
  public AuthnResult authenticate(AuthnRequest request) {
    if (request.credential().isEmpty()) {
      return AuthnResult.abstain();
    }
    String value = request.credential().get().value();
    if (!value.startsWith(SecretKind.ADMIN_KEY.prefix())) {
      return AuthnResult.abstain();
    }
    if (!OpaqueSecrets.isWellFormed(value, SecretKind.ADMIN_KEY)) {
      return new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The admin key is malformed.");
    }
    byte[] presented = OpaqueSecrets.hash(value).getBytes(StandardCharsets.US_ASCII);
    boolean matches = store.adminKeyHash()
        .map(stored -> MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII), presented))
        .orElse(false);
    return matches
        ? new AuthnResult.Authenticated(ADMIN)
        : new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The admin key is not known.");
  }
}

package dev.portcullis.client;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An identity provider to trust:
 * {@code NewAuthRule.of("clerk", issuer, jwksUri, audience).withWorkspaceClaim("{org_id}:{sub}")}.
 * The server checks every field and refuses a bad one with {@code 400 invalid_request} naming it.
 *
 * @param workspaceClaim empty for the server's default, {@code sub}
 * @param algorithms empty for the server's default, all of {@code RS256}, {@code ES256} and {@code EdDSA}
 */
public record NewAuthRule(String name, String issuer, URI jwksUri, String audience, Optional<String> workspaceClaim,
    List<String> algorithms) {

  public NewAuthRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(jwksUri, "jwksUri");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(workspaceClaim, "workspaceClaim");
    algorithms = List.copyOf(algorithms);
  }

  /** A rule with the default workspace claim and algorithms. */
  public static NewAuthRule of(String name, String issuer, URI jwksUri, String audience) {
    return new NewAuthRule(name, issuer, jwksUri, audience, Optional.empty(), List.of());
  }

  public NewAuthRule withWorkspaceClaim(String workspaceClaim) {
    return new NewAuthRule(name, issuer, jwksUri, audience, Optional.of(workspaceClaim), algorithms);
  }

  public NewAuthRule withAlgorithms(String... algorithms) {
    return new NewAuthRule(name, issuer, jwksUri, audience, workspaceClaim, List.of(algorithms));
  }
}

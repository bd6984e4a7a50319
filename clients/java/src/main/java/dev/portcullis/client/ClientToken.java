package dev.portcullis.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A live client token as listed: never its value (API.md section 5).
 *
 * @param id {@code ctk_...}, for {@link PortcullisClient#revokeClientToken(String)}
 * @param hostname the only origin ({@code scheme://host[:port]}) the token is accepted from, when set
 */
public record ClientToken(String id, List<Grant> policy, Optional<String> hostname, Instant expiresAt,
    Instant createdAt) {

  public ClientToken {
    policy = List.copyOf(policy);
  }
}

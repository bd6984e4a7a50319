package dev.portcullis.core.jwt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.view.JsonMappers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Mints workspace tokens (API.md section 6): EdDSA JWTs with {@code typ: at+jwt}, a {@code kid}
 * and a {@code jti}, signed by the ring's current key. Thread-safe.
 */
public final class WorkspaceTokens {

  /** The audience of every workspace token. */
  public static final String AUDIENCE = "portcullis";
  public static final String TYPE = "at+jwt";
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
  static final Set<String> REGISTERED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");
  static final int MAX_CLAIMS_JSON = 4 * 1024;
  static final int MAX_ID_LENGTH = 256;
  private static final ObjectMapper JSON = JsonMappers.create();

  private final SigningKeyRing keys;
  private final Supplier<String> issuer;
  private final Clock clock;

  public WorkspaceTokens(SigningKeyRing keys, Supplier<String> issuer, Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** What a mint asks for. */
  public record MintRequest(String projectId, String workspaceId, Optional<String> userId, Duration ttl,
      Map<String, Object> claims) {}

  /** A minted token and its facts. */
  public record Minted(String token, String jti, String workspaceId, Instant expiresAt, Duration ttl) {
    @Override
    public String toString() {
      return "Minted[jti=" + jti + ", workspaceId=" + workspaceId + ", expiresAt=" + expiresAt + ", token=<redacted>]";
    }
  }

  /** @throws PortcullisException {@code invalid_request} naming the bad field */
  public Minted mint(MintRequest request) {
    requireId(request.workspaceId(), "workspace_id");
    request.userId().ifPresent(u -> requireId(u, "user_id"));
    if (request.ttl().compareTo(Duration.ofSeconds(1)) < 0 || request.ttl().compareTo(SigningKeyRing.MAX_TOKEN_TTL) > 0) {
      throw PortcullisException.invalidRequest("ttl_seconds must be between 1 and 3600.");
    }
    for (String claim : request.claims().keySet()) {
      if (REGISTERED.contains(claim) || claim.startsWith("pc_")) {
        throw PortcullisException.invalidRequest("claims may not set \"" + claim + "\": registered and pc_* claims are the server's.");
      }
    }
    if (jsonLength(request.claims()) > MAX_CLAIMS_JSON) {
      throw PortcullisException.invalidRequest("claims must be at most 4 KiB of JSON.");
    }
    // Whole seconds, as JWT times are: the token expires exactly at the expires_at it reports.
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant expiresAt = now.plus(request.ttl());
    String jti = ResourceIds.next("jti_");
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
    request.claims().forEach(claims::claim);
    claims.issuer(issuer.get()).audience(AUDIENCE).subject(request.userId().orElse(request.workspaceId()))
        .claim("pc_project", request.projectId()).claim("pc_workspace", request.workspaceId())
        .issueTime(Date.from(now)).expirationTime(Date.from(expiresAt)).jwtID(jti);
    SigningKeyRing.Signing signing = keys.signing();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType(TYPE))
        .keyID(signing.kid()).build(), claims.build());
    try {
      jwt.sign(signing.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a workspace token failed", e);
    }
    return new Minted(jwt.serialize(), jti, request.workspaceId(), expiresAt, request.ttl());
  }

  private static int jsonLength(Map<String, Object> claims) {
    try {
      return JSON.writeValueAsBytes(claims).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw PortcullisException.invalidRequest("claims must be a JSON object.");
    }
  }

  private static void requireId(String value, String field) {
    if (value == null || value.isBlank() || value.length() > MAX_ID_LENGTH) {
      throw PortcullisException.invalidRequest(field + " must be 1 to " + MAX_ID_LENGTH + " characters.");
    }
  }
}

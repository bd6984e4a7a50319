package dev.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.core.secret.ResourceIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Workspace tokens built the way a test needs them, with Nimbus, for the real key ring or
 * forged: {@code TestTokens.workspace("alice").expiresIn(1).signedBy(ring)}.
 *
 * <p>A builder starts as {@link WorkspaceTokens} would mint it at {@link #NOW}: {@code typ
 * at+jwt}, {@code EdDSA}, issuer {@link #ISSUER}, audience {@code portcullis}, {@code sub} and
 * {@code pc_workspace} the workspace, {@code pc_project} {@link #PROJECT}, a fresh {@code jti},
 * five minutes to live. Each method changes one thing; {@link Builder#without} removes a claim.
 */
final class TestTokens {

  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final String ISSUER = "http://127.0.0.1:8080";
  static final String PROJECT = "prj_test";

  private TestTokens() {}

  static Builder workspace(String workspaceId) {
    return new Builder(workspaceId);
  }

  /** A fresh Ed25519 key that the server has never seen. */
  static OctetKeyPair foreignKey(String kid) {
    try {
      return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static final class Builder {

    private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
    private final List<UnaryOperator<JWSHeader.Builder>> header = new ArrayList<>();
    private Instant issuedAt = NOW;
    private String kid;
    private boolean withoutKid;
    private String type = WorkspaceTokens.TYPE;

    private Builder(String workspaceId) {
      claims.issuer(ISSUER).audience(WorkspaceTokens.AUDIENCE).subject(workspaceId)
          .claim("pc_project", PROJECT).claim("pc_workspace", workspaceId)
          .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(300)))
          .jwtID(ResourceIds.next("jti_"));
    }

    /** {@code iat}; {@code exp} is not moved. */
    Builder issuedAt(Instant at) {
      issuedAt = at;
      claims.issueTime(Date.from(at));
      return this;
    }

    /** {@code exp} = {@code iat} + {@code seconds} (negative for the past). */
    Builder expiresIn(long seconds) {
      claims.expirationTime(Date.from(issuedAt.plusSeconds(seconds)));
      return this;
    }

    Builder expiresAt(Instant at) {
      claims.expirationTime(Date.from(at));
      return this;
    }

    Builder notBefore(Instant at) {
      claims.notBeforeTime(Date.from(at));
      return this;
    }

    Builder issuer(String issuer) {
      claims.issuer(issuer);
      return this;
    }

    Builder audience(String audience) {
      claims.audience(audience);
      return this;
    }

    Builder project(String project) {
      claims.claim("pc_project", project);
      return this;
    }

    Builder jti(String jti) {
      claims.jwtID(jti);
      return this;
    }

    Builder claim(String name, Object value) {
      claims.claim(name, value);
      return this;
    }

    /** Leaves claim {@code name} out of the token. */
    Builder without(String name) {
      claims.claim(name, null); // Nimbus does not serialise null claims
      return this;
    }

    /** The {@code kid} header; by default the signing key's. */
    Builder kid(String kid) {
      this.kid = kid;
      return this;
    }

    Builder withoutKid() {
      withoutKid = true;
      return this;
    }

    /** The {@code typ} header; {@code null} leaves it out. */
    Builder type(String type) {
      this.type = type;
      return this;
    }

    /** Any other change to the JWS header ({@code jku}, {@code crit}, ...). */
    Builder header(UnaryOperator<JWSHeader.Builder> change) {
      header.add(change);
      return this;
    }

    /** Signed by the ring's current key, as the server signs. */
    String signedBy(SigningKeyRing ring) {
      SigningKeyRing.Signing signing = ring.signing();
      return sign(JWSAlgorithm.EdDSA, signing.kid(), signing.signer());
    }

    /** Signed with {@code key}, under its own {@code kid} unless {@link #kid} says otherwise. */
    String signedWith(OctetKeyPair key) {
      try {
        return sign(JWSAlgorithm.EdDSA, key.getKeyID(), new Ed25519Signer(key));
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** {@code HS256} with {@code secret} as the HMAC key (the algorithm-confusion attack). */
    String signedHs256(byte[] secret) {
      try {
        return sign(JWSAlgorithm.HS256, null, new MACSigner(secret));
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** An unsecured JWT (RFC 7519 section 6): {@code alg none} and an empty signature. */
    String unsecured() {
      PlainHeader.Builder h = new PlainHeader.Builder();
      if (type != null) {
        h.type(new JOSEObjectType(type));
      }
      return new PlainJWT(h.build(), claims.build()).serialize();
    }

    private String sign(JWSAlgorithm alg, String signerKid, JWSSigner signer) {
      JWSHeader.Builder h = new JWSHeader.Builder(alg);
      if (!withoutKid) {
        h.keyID(kid != null ? kid : signerKid);
      }
      if (type != null) {
        h.type(new JOSEObjectType(type));
      }
      for (UnaryOperator<JWSHeader.Builder> change : header) {
        h = change.apply(h);
      }
      SignedJWT jwt = new SignedJWT(h.build(), claims.build());
      try {
        jwt.sign(signer);
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return jwt.serialize();
    }
  }
}

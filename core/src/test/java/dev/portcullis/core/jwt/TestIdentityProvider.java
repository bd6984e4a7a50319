package dev.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real identity provider for tests: RSA, EC P-256 and Ed25519 keys, their public JWK Set
 * served over HTTP on a free loopback port ({@code com.sun.net.httpserver}), and a builder of
 * tokens signed with Nimbus. It counts JWKS requests, can rotate its keys, answer slowly, and be
 * taken down. Each instance is one issuer: {@code https://<name>.idp.test}.
 */
public final class TestIdentityProvider implements AutoCloseable {

  /** The audience tokens carry unless told otherwise. */
  public static final String AUDIENCE = "https://api.example.test";

  private final String issuer;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-jwks");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Keys keys;
  private volatile Duration delay = Duration.ZERO;
  private volatile boolean stopped;

  /** The provider's current key pairs, all published. */
  public record Keys(RSAKey rsa, ECKey ec, OctetKeyPair ed) {
    static Keys generate() {
      try {
        return new Keys(
            new RSAKeyGenerator(2048).keyID("rsa-" + shortId()).keyUse(KeyUse.SIGNATURE).generate(),
            new ECKeyGenerator(Curve.P_256).keyID("ec-" + shortId()).keyUse(KeyUse.SIGNATURE).generate(),
            new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-" + shortId()).keyUse(KeyUse.SIGNATURE).generate());
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    List<JWK> publicKeys() {
      return List.of(rsa.toPublicJWK(), ec.toPublicJWK(), ed.toPublicJWK());
    }
  }

  private TestIdentityProvider(String name) throws IOException {
    this.issuer = "https://" + name + ".idp.test";
    this.keys = Keys.generate();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/.well-known/jwks.json", exchange -> {
      requests.incrementAndGet();
      try (exchange) {
        if (!delay.isZero()) {
          Thread.sleep(delay.toMillis());
        }
        byte[] body = new JWKSet(keys.publicKeys()).toString(true).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
  }

  /** Starts a provider whose issuer is {@code https://<name>.idp.test}. */
  public static TestIdentityProvider start(String name) {
    try {
      return new TestIdentityProvider(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public URI jwksUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
  }

  /** How many times the JWK Set was requested. */
  public int jwksRequests() {
    return requests.get();
  }

  public Keys keys() {
    return keys;
  }

  /** Replaces every key by a new one with a new kid; the old keys are no longer published. */
  public void rotate() {
    keys = Keys.generate();
  }

  /** Makes the JWKS endpoint wait {@code delay} before answering. */
  public void answerAfter(Duration delay) {
    this.delay = delay;
  }

  /** Takes the JWKS server down: connections are refused from now on. */
  public void stop() {
    if (!stopped) {
      stopped = true;
      server.stop(0);
      executor.shutdownNow();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** A token of this provider: {@code sub} alice, this audience, issued now, valid 5 minutes. */
  public Token token() {
    return new Token(this);
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** A token under construction; each signing method returns the compact serialisation. */
  public static final class Token {
    private final TestIdentityProvider provider;
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();
    private Consumer<JWSHeader.Builder> header = h -> { };
    private String kid;
    private Instant now = Instant.now();
    private Instant exp;
    private Instant iat;
    private Instant nbf;

    private Token(TestIdentityProvider provider) {
      this.provider = provider;
    }

    public Token subject(String sub) {
      return claim("sub", sub);
    }

    public Token issuer(String iss) {
      return claim("iss", iss);
    }

    public Token audience(String... aud) {
      return claim("aud", aud.length == 1 ? aud[0] : List.of(aud));
    }

    public Token claim(String name, Object value) {
      claims.put(name, value);
      removed.remove(name);
      return this;
    }

    /** Leaves claim {@code name} out (also {@code exp}, {@code iat}, {@code sub}, ...). */
    public Token without(String name) {
      claims.remove(name);
      removed.add(name);
      return this;
    }

    /** The reference time of the default {@code iat} and {@code exp}. */
    public Token at(Instant now) {
      this.now = now;
      return this;
    }

    public Token expiresAt(Instant exp) {
      this.exp = exp;
      return this;
    }

    public Token issuedAt(Instant iat) {
      this.iat = iat;
      return this;
    }

    public Token notBefore(Instant nbf) {
      this.nbf = nbf;
      return this;
    }

    /** Overrides the {@code kid} of the header. */
    public Token kid(String kid) {
      this.kid = kid;
      return this;
    }

    /** Further header parameters (jku, crit, typ, ...). */
    public Token header(Consumer<JWSHeader.Builder> header) {
      this.header = header;
      return this;
    }

    public String rs256() {
      return sign(JWSAlgorithm.RS256, provider.keys.rsa());
    }

    public String es256() {
      return sign(JWSAlgorithm.ES256, provider.keys.ec());
    }

    public String edDsa() {
      return sign(JWSAlgorithm.EdDSA, provider.keys.ed());
    }

    /** Signed with {@code key} (which may be unpublished) under {@code alg}, kid = the key's. */
    public String sign(JWSAlgorithm alg, JWK key) {
      try {
        JWSSigner signer = switch (key) {
          case RSAKey rsa -> new RSASSASigner(rsa);
          case ECKey ec -> new ECDSASigner(ec);
          case OctetKeyPair ed -> new Ed25519Signer(ed);
          default -> throw new IllegalArgumentException("unsupported key " + key.getKeyType());
        };
        return signWith(alg, signer, key.getKeyID());
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A fresh RSA key that the provider never published, with a kid of its own. */
    public String rs256WithUnpublishedKey() {
      try {
        return sign(JWSAlgorithm.RS256, new RSAKeyGenerator(2048).keyID("unknown-" + shortId()).generate());
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * HS256 with the provider's RSA public key (its X.509 DER bytes) as the shared secret: the
     * algorithm-confusion attack on verifiers that let the token choose the algorithm.
     */
    public String hs256WithPublicKey() {
      try {
        byte[] secret = provider.keys.rsa().toRSAPublicKey().getEncoded();
        return signWith(JWSAlgorithm.HS256, new MACSigner(secret), provider.keys.rsa().getKeyID());
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** {@code alg: none}, no signature. */
    public String unsigned() {
      return new PlainJWT(claims()).serialize();
    }

    private String signWith(JWSAlgorithm alg, JWSSigner signer, String keyId) throws JOSEException {
      JWSHeader.Builder h = new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid != null ? kid : keyId);
      header.accept(h);
      SignedJWT jwt = new SignedJWT(h.build(), claims());
      jwt.sign(signer);
      return jwt.serialize();
    }

    private JWTClaimsSet claims() {
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("iss", provider.issuer);
      all.put("sub", "alice");
      all.put("aud", AUDIENCE);
      all.put("iat", iat != null ? iat : now);
      all.put("exp", exp != null ? exp : now.plusSeconds(300));
      if (nbf != null) {
        all.put("nbf", nbf);
      }
      all.put("jti", "jti-" + shortId());
      all.putAll(claims);
      removed.forEach(all::remove);
      JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
      all.forEach((name, value) -> b.claim(name, value instanceof Instant t ? Date.from(t) : value));
      return b.build();
    }
  }

  /** Signing key ids, for assertions. */
  public List<String> kids() {
    List<String> kids = new ArrayList<>();
    keys.publicKeys().forEach(k -> kids.add(k.getKeyID()));
    return kids;
  }
}

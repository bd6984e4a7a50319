package dev.portcullis.bench;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.jwt.JwkSetCache;
import dev.portcullis.core.jwt.ProviderToken;
import dev.portcullis.core.jwt.ProviderTokenAuthenticator;
import dev.portcullis.core.jwt.ProviderTokenVerifier;
import dev.portcullis.core.jwt.TestIdentityProvider;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Identity-provider JWTs used directly, with the provider's JWK Set already cached (fetched once
 * in setup from a real JWKS endpoint on loopback): the first use of a token (SHA-256, parse,
 * rule look-up, signature check, claims, principal) for each algorithm, the signature-checking
 * verifier alone, and a repeated token, answered from the verified-token cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ProviderJwtBenchmark {

  private TestIdentityProvider provider;
  private AuthRule rule;
  private ProviderTokenVerifier verifier;
  private ProviderTokenAuthenticator authenticator;
  private AuthnRequest rs256;
  private AuthnRequest es256;
  private AuthnRequest edDsa;
  private String rs256Token;

  @Setup(Level.Trial)
  public void build() {
    provider = TestIdentityProvider.start("bench");
    rule = new AuthRule("rul_bench", "prj_bench", "bench", provider.issuer(), provider.jwksUri(),
        TestIdentityProvider.AUDIENCE, "{org_id}:{sub}", AuthRule.DEFAULT_ALGORITHMS, Instant.now());
    Clock clock = Clock.systemUTC();
    verifier = new ProviderTokenVerifier(new JwkSetCache(clock), clock);
    authenticator = new ProviderTokenAuthenticator(verifier, new InMemoryAuthRuleStore(List.of(rule)), clock);
    Instant exp = Instant.now().plusSeconds(3600);
    rs256Token = provider.token().claim("org_id", "acme").expiresAt(exp).rs256();
    rs256 = request(rs256Token);
    es256 = request(provider.token().claim("org_id", "acme").expiresAt(exp).es256());
    edDsa = request(provider.token().claim("org_id", "acme").expiresAt(exp).edDsa());
    for (AuthnRequest r : List.of(rs256, es256, edDsa)) {
      if (!(authenticator.authenticate(r) instanceof AuthnResult.Authenticated)) {
        throw new IllegalStateException("the fixture's tokens must authenticate");
      }
    }
    if (provider.jwksRequests() != 1) {
      throw new IllegalStateException("the JWK Set must be fetched once, in setup");
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    provider.close();
  }

  private static AuthnRequest request(String token) {
    return AuthnRequest.of(new Credential(token, Credential.Source.AUTHORIZATION_HEADER));
  }

  /** Forgets the verified token, so that the next call checks the signature again. */
  private AuthnResult firstTime(AuthnRequest request) {
    authenticator.forgetRule(rule.id());
    return authenticator.authenticate(request);
  }

  @Benchmark
  public AuthnResult firstTimeRs256() {
    return firstTime(rs256);
  }

  @Benchmark
  public AuthnResult firstTimeEs256() {
    return firstTime(es256);
  }

  @Benchmark
  public AuthnResult firstTimeEdDsa() {
    return firstTime(edDsa);
  }

  @Benchmark
  public ProviderTokenVerifier.Outcome verifyRs256() {
    return verifier.verify(ProviderToken.parse(rs256Token).orElseThrow(), rule);
  }

  @Benchmark
  public AuthnResult repeatedTokenCacheHit() {
    return authenticator.authenticate(rs256); // setup left it in the cache
  }
}

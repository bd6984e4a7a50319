package dev.portcullis.core.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.portcullis.core.jwt.JwkSetCache.Lookup;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWK Set cache against a real JWKS endpoint on loopback, with a clock moved by hand. */
class JwkSetCacheTest {

  MutableClock clock = new MutableClock();
  TestIdentityProvider provider;
  JwkSetCache cache;

  @BeforeEach
  void start() {
    provider = TestIdentityProvider.start("cache");
    cache = new JwkSetCache(clock);
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private Lookup find(String kid) {
    return cache.find(provider.jwksUri(), Optional.of(kid));
  }

  private String rsaKid() {
    return provider.keys().rsa().getKeyID();
  }

  @Test
  void findWhenKeyIsPublishedThenFetchedOnceAndServedFromTheCache() {
    for (int i = 0; i < 5; i++) {
      assertThat(find(rsaKid())).isInstanceOf(Lookup.Found.class);
      assertThat(find(provider.keys().ec().getKeyID())).isInstanceOf(Lookup.Found.class);
      assertThat(find(provider.keys().ed().getKeyID())).isInstanceOf(Lookup.Found.class);
    }
    assertThat(provider.jwksRequests()).isEqualTo(1);
    Lookup.Found rsa = (Lookup.Found) find(rsaKid());
    assertThat(rsa.algorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(((Lookup.Found) find(provider.keys().ed().getKeyID())).algorithm()).isEqualTo(JWSAlgorithm.EdDSA);
  }

  @Test
  void findWhenKidIsUnknownThenRefetchesAtMostOncePerThirtySeconds() {
    find(rsaKid());
    for (int i = 0; i < 20; i++) {
      assertThat(find("made-up-" + i)).isInstanceOf(Lookup.Missing.class);
    }
    assertThat(provider.jwksRequests()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(29));
    assertThat(find("made-up-again")).isInstanceOf(Lookup.Missing.class);
    assertThat(provider.jwksRequests()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(2));
    assertThat(find("made-up-later")).isInstanceOf(Lookup.Missing.class);
    assertThat(provider.jwksRequests()).isEqualTo(3);
  }

  @Test
  void findWhenProviderRotatedThenTheNewKidIsFetched() {
    String old = rsaKid();
    find(old);
    provider.rotate();
    assertThat(find(rsaKid())).isInstanceOf(Lookup.Found.class);
    assertThat(provider.jwksRequests()).isEqualTo(2);
    assertThat(find(old)).as("the old key is gone from the new set").isInstanceOf(Lookup.Missing.class);
  }

  @Test
  void findWhenProviderIsDownThenCachedKeysKeepWorkingUntilMaxStale() {
    find(rsaKid());
    provider.stop();
    assertThat(find(rsaKid())).isInstanceOf(Lookup.Found.class);
    clock.advance(JwkSetCache.REFRESH_AFTER.plusSeconds(1)); // the background refresh fails
    assertThat(find(rsaKid())).isInstanceOf(Lookup.Found.class);
    clock.advance(Duration.ofHours(1));
    assertThat(find(rsaKid())).isInstanceOf(Lookup.Found.class);
    clock.advance(JwkSetCache.MAX_STALE);
    assertThat(find(rsaKid())).isInstanceOf(Lookup.Unavailable.class);
  }

  @Test
  void findWhenKidIsUnknownAndProviderIsDownThenUnavailableNotMissing() {
    find(rsaKid());
    provider.stop();
    assertThat(find("new-kid")).as("the key may be new: a 503, not a 401").isInstanceOf(Lookup.Unavailable.class);
    assertThat(find("newer-kid")).as("rate-limited: no fetch, so no news").isInstanceOf(Lookup.Missing.class);
  }

  @Test
  void findWhenNothingIsCachedAndProviderIsDownThenUnavailableAndRetriedAfterFiveSeconds() {
    provider.answerAfter(Duration.ofSeconds(2));
    JwkSetCache quick = new JwkSetCache(clock, Duration.ofMillis(300));
    assertThat(quick.find(provider.jwksUri(), Optional.of(rsaKid()))).isInstanceOf(Lookup.Unavailable.class);
    assertThat(quick.find(provider.jwksUri(), Optional.of(rsaKid()))).isInstanceOf(Lookup.Unavailable.class);
    assertThat(provider.jwksRequests()).isEqualTo(1);
    provider.answerAfter(Duration.ZERO);
    clock.advance(Duration.ofSeconds(6));
    assertThat(quick.find(provider.jwksUri(), Optional.of(rsaKid()))).isInstanceOf(Lookup.Found.class);
    assertThat(provider.jwksRequests()).isEqualTo(2);
  }

  @Test
  void findWhenProviderIsSlowerThanTheTimeoutThenUnavailableWithinTheTimeout() {
    provider.answerAfter(Duration.ofSeconds(5));
    JwkSetCache quick = new JwkSetCache(clock, Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(quick.find(provider.jwksUri(), Optional.of(rsaKid()))).isInstanceOf(Lookup.Unavailable.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void findWhenTheSetIsOlderThanFiveMinutesThenRefreshedInTheBackground() throws InterruptedException {
    String old = rsaKid();
    find(old);
    provider.rotate();
    clock.advance(JwkSetCache.REFRESH_AFTER.plusSeconds(1));
    assertThat(find(old)).as("served from the cache while refreshing").isInstanceOf(Lookup.Found.class);
    for (int i = 0; i < 100 && provider.jwksRequests() < 2; i++) {
      Thread.sleep(20);
    }
    assertThat(provider.jwksRequests()).isEqualTo(2);
    for (int i = 0; i < 100 && !(find(rsaKid()) instanceof Lookup.Found); i++) {
      Thread.sleep(20);
    }
    assertThat(find(rsaKid())).isInstanceOf(Lookup.Found.class);
    assertThat(provider.jwksRequests()).isEqualTo(2);
  }

  @Test
  void findWithoutKidWhenSeveralKeysArePublishedThenMissing() {
    assertThat(cache.find(provider.jwksUri(), Optional.empty())).isInstanceOf(Lookup.Missing.class);
  }

  @Test
  void usableWhenKeyIsWeakForEncryptionOrForAnotherAlgorithmThenIgnored() throws Exception {
    assertThat(JwkSetCache.usable(new RSAKeyGenerator(1024, true).generate().toPublicJWK())).isEmpty();
    assertThat(JwkSetCache.usable(new RSAKeyGenerator(2048).keyUse(KeyUse.ENCRYPTION).generate().toPublicJWK())).isEmpty();
    assertThat(JwkSetCache.usable(new RSAKeyGenerator(2048).algorithm(JWSAlgorithm.RS512).generate().toPublicJWK())).isEmpty();
    assertThat(JwkSetCache.usable(new ECKeyGenerator(Curve.P_384).generate().toPublicJWK())).isEmpty();
    assertThat(JwkSetCache.usable(new RSAKeyGenerator(2048).algorithm(JWSAlgorithm.RS256).generate().toPublicJWK())).isPresent();
  }

  @Test
  void forLogWhenUriHasAQueryThenTheQueryIsRedacted() {
    assertThat(JwkSetCache.forLog(java.net.URI.create("https://idp.test:8443/jwks?api_key=secret")))
        .isEqualTo("https://idp.test:8443/jwks?<redacted>");
    assertThat(JwkSetCache.forLog(java.net.URI.create("http://127.0.0.1/jwks.json"))).isEqualTo("http://127.0.0.1/jwks.json");
  }
}

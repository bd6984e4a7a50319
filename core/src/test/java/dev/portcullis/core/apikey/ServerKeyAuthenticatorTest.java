package dev.portcullis.core.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.jwt.InMemoryRevocationStore;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.ApiKeyStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServerKeyAuthenticatorTest {

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");

    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }

  /** An in-memory key store that counts its reads and writes. */
  static final class CountingStore implements ApiKeyStore {
    final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    final List<Instant> touches = new ArrayList<>();

    @Override public void insert(ApiKey key) { byHash.put(key.hash(), key); }
    @Override public Optional<ApiKey> findByHash(String hash) {
      reads.incrementAndGet();
      return Optional.ofNullable(byHash.get(hash));
    }
    @Override public Page<ApiKey> list(String projectId, PageRequest page) { throw new UnsupportedOperationException(); }
    @Override public boolean revoke(String projectId, String keyId, Instant at) {
      for (ApiKey k : byHash.values()) {
        if (k.id().equals(keyId) && k.projectId().equals(projectId)) {
          byHash.put(k.hash(), new ApiKey(k.id(), k.projectId(), k.name(), k.prefix(), k.hash(), k.createdAt(),
              k.expiresAt(), k.lastUsedAt(), Optional.of(at)));
          return true;
        }
      }
      return false;
    }
    @Override public synchronized void touch(String keyId, Instant at) { touches.add(at); }
  }

  final MutableClock clock = new MutableClock();
  final CountingStore store = new CountingStore();
  final InMemoryRevocationStore revocationLog = new InMemoryRevocationStore();
  final Revocations revocations = new Revocations(revocationLog, clock);
  final ServerKeyAuthenticator authenticator = new ServerKeyAuthenticator(store, revocations, clock, Runnable::run);
  final ApiKeys keys = new ApiKeys(store, authenticator, revocations, clock);

  AuthnResult authenticate(String value) {
    return authenticator.authenticate(AuthnRequest.of(new Credential(value, Credential.Source.AUTHORIZATION_HEADER)));
  }

  @Test
  void revokeWhenKeyRevokedThenEveryServerReadsItInTheRevocationLog() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.empty());

    keys.revoke("prj_1", created.key().id());

    Revocations otherServer = new Revocations(revocationLog, clock);
    assertThat(otherServer.isRevoked(Revocations.credential("prj_1", created.key().id()))).isTrue();
    assertThat(otherServer.isRevoked(Revocations.credential("prj_2", created.key().id()))).isFalse();
  }

  @Test
  void authenticateWhenRevokedOnAnotherServerThenRefusedOnceTheLogIsReadThoughStillCached() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.empty());
    assertThat(authenticate(created.value())).isInstanceOf(AuthnResult.Authenticated.class);
    Revocations otherServer = new Revocations(revocationLog, clock);
    otherServer.revokeToken("prj_1", created.key().id()); // as ApiKeys.revoke there appends it

    revocations.follow();

    assertThat(authenticate(created.value()))
        .isEqualTo(new AuthnResult.Rejected(AuthnResult.Reason.REVOKED, "The API key has been revoked."));
  }

  @Test
  void authenticateWhenValidKeyThenServerPrincipalOfItsProject() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.empty());
    AuthnResult result = authenticate(created.value());
    assertThat(result).isInstanceOf(AuthnResult.Authenticated.class);
    Principal p = ((AuthnResult.Authenticated) result).principal();
    assertThat(p.kind()).isEqualTo(Principal.Kind.SERVER);
    assertThat(p.projectId()).contains("prj_1");
    assertThat(p.credentialId()).isEqualTo(created.key().id());
  }

  @Test
  void authenticateWhenChecksumWrongThenRejectedWithoutDatabaseRead() {
    String value = OpaqueSecrets.mint(SecretKind.SERVER_KEY).value();
    String broken = value.substring(0, value.length() - 1) + (value.endsWith("0") ? "1" : "0");
    assertThat(authenticate(broken)).isEqualTo(new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The API key is malformed."));
    assertThat(store.reads).hasValue(0);
  }

  @Test
  void authenticateWhenOtherPrefixThenAbstains() {
    assertThat(authenticate("pc_ck_whatever")).isInstanceOf(AuthnResult.Abstained.class);
    assertThat(authenticate("eyJhbGciOiJFZERTQSJ9.e30.sig")).isInstanceOf(AuthnResult.Abstained.class);
  }

  @Test
  void authenticateWhenUsedRepeatedlyWithinTheCacheTtlThenOneDatabaseRead() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.empty());
    for (int i = 0; i < 100; i++) {
      authenticate(created.value());
    }
    assertThat(store.reads).hasValue(1);
    clock.now = clock.now.plus(ServerKeyAuthenticator.CACHE_TTL);
    authenticate(created.value());
    assertThat(store.reads).hasValue(2);
  }

  @Test
  void authenticateWhenExpiredByOneMillisecondThenExpired() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.of(clock.now.plusSeconds(60)));
    clock.now = clock.now.plusSeconds(60);
    assertThat(authenticate(created.value())).isInstanceOf(AuthnResult.Authenticated.class);
    clock.now = clock.now.plusMillis(1);
    assertThat(authenticate(created.value()))
        .isEqualTo(new AuthnResult.Rejected(AuthnResult.Reason.EXPIRED, "The API key has expired."));
  }

  @Test
  void authenticateWhenRevokedOnThisServerThenRevokedAtOnceDespiteTheCache() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.empty());
    assertThat(authenticate(created.value())).isInstanceOf(AuthnResult.Authenticated.class);
    keys.revoke("prj_1", created.key().id());
    assertThat(authenticate(created.value()))
        .isEqualTo(new AuthnResult.Rejected(AuthnResult.Reason.REVOKED, "The API key has been revoked."));
  }

  @Test
  void authenticateWhenRevokedElsewhereThenRefusedOnceTheCacheTtlPassed() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.empty());
    authenticate(created.value());
    store.revoke("prj_1", created.key().id(), clock.now); // another server, same database
    clock.now = clock.now.plus(ServerKeyAuthenticator.CACHE_TTL);
    assertThat(authenticate(created.value())).isInstanceOf(AuthnResult.Rejected.class);
  }

  @Test
  void lastUsedWhenUsedOftenThenWrittenAtMostOncePerMinute() {
    ApiKeys.Created created = keys.create("prj_1", "k", Optional.empty());
    for (int second = 0; second < 150; second++) {
      authenticate(created.value());
      clock.now = clock.now.plus(Duration.ofSeconds(1));
    }
    assertThat(store.touches).hasSize(3); // at 0 s, 60 s and 120 s
  }
}

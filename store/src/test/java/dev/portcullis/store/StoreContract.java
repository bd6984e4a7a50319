package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.apikey.ApiKey;
import dev.portcullis.core.audit.AuditEvent;
import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.IdRestriction;
import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.clienttoken.ClientGrant;
import dev.portcullis.core.clienttoken.ClientGrant.Access;
import dev.portcullis.core.clienttoken.ClientToken;
import dev.portcullis.core.domain.Agent;
import dev.portcullis.core.domain.AgentThread;
import dev.portcullis.core.domain.Message;
import dev.portcullis.core.domain.Project;
import dev.portcullis.core.domain.Run;
import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.AgentStore.AgentPatch;
import dev.portcullis.core.store.AgentStore.NewAgent;
import dev.portcullis.core.store.AuditStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.Store;
import dev.portcullis.core.store.WsTicketStore;
import dev.portcullis.core.store.ThreadStore.ThreadQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link Store} must have, whatever the database: one suite, run by a
 * subclass per database (OpenFGA's {@code RunAllTests(t, ds)}). A new store method gets its
 * test here first.
 *
 * <p>Each test gets a fresh, empty store from {@link #openStore} and a {@link ManualClock}
 * that only moves when the test moves it, so stored times can be compared exactly.
 */
public abstract class StoreContract {

  /** Off a millisecond boundary on purpose: stores keep milliseconds and must trim consistently. */
  private static final Instant START = Instant.parse("2026-03-01T12:00:00.123456789Z");
  /** {@link #START} as stores record it. */
  private static final Instant START_MILLIS = Instant.parse("2026-03-01T12:00:00.123Z");

  protected final ManualClock clock = new ManualClock(START);
  protected Store store;

  /**
   * A new store on an empty database of its own, reading time from {@code clock}; the suite
   * closes it after the test.
   */
  protected abstract Store openStore(Clock clock);

  @BeforeEach
  void open() {
    store = openStore(clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  // ---------------------------------------------------------------- store

  @Test
  void openStoreWhenFreshThenEmpty() {
    assertThat(store.projects().list(PageRequest.first(10)).data()).isEmpty();
    assertThat(store.projects().adminKeyHash()).isEmpty();
  }

  @Test
  void pingWhenOpenThenTrue() {
    assertThat(store.ping()).isTrue();
  }

  // ---------------------------------------------------------------- projects

  @Test
  void projectsFindWhenCreatedThenEqualsCreatedWithTimeInMilliseconds() {
    Project created = store.projects().create("acme");

    assertThat(created.name()).isEqualTo("acme");
    assertThat(created.id()).startsWith("prj_");
    assertThat(created.createdAt()).isEqualTo(START_MILLIS);
    assertThat(store.projects().find(created.id())).contains(created);
  }

  @Test
  void projectsFindWhenUnknownIdThenEmpty() {
    store.projects().create("acme");

    assertThat(store.projects().find("prj_unknown")).isEmpty();
  }

  @Test
  void projectsListWhenFiveWithLimitTwoThenPagesOfTwoTwoOne() {
    List<Project> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(store.projects().create("p" + i));
    }

    assertPagesOfTwoTwoOne(created, page -> store.projects().list(page));
  }

  @Test
  void projectsDeleteWhenExistsThenTrueOnceAndGone() {
    Project p = store.projects().create("acme");

    assertThat(store.projects().delete(p.id())).isTrue();
    assertThat(store.projects().find(p.id())).isEmpty();
    assertThat(store.projects().delete(p.id())).isFalse();
  }

  @Test
  void projectsDeleteWhenUnknownIdThenFalse() {
    assertThat(store.projects().delete("prj_unknown")).isFalse();
  }

  @Test
  void projectsDeleteWhenProjectHasDataThenCascadesToKeysAgentsThreadsMessagesAndRuns() {
    Project doomed = store.projects().create("doomed");
    Project kept = store.projects().create("kept");
    Fixture gone = fixture(doomed);
    Fixture stays = fixture(kept);

    assertThat(store.projects().delete(doomed.id())).isTrue();

    Scope scope = Scope.project(doomed.id());
    assertThat(store.apiKeys().findByHash(gone.key().hash())).isEmpty();
    assertThat(store.apiKeys().list(doomed.id(), PageRequest.first(10)).data()).isEmpty();
    assertThat(store.agents().find(scope, gone.agent().id())).isEmpty();
    assertThat(store.agents().list(scope, PageRequest.first(10)).data()).isEmpty();
    assertThat(store.threads().find(scope, gone.thread().id())).isEmpty();
    assertThat(store.threads().search(scope, ThreadQuery.ALL, PageRequest.first(10)).data()).isEmpty();
    assertThat(store.messages().list(gone.thread().id(), PageRequest.first(10)).data()).isEmpty();
    assertThat(store.messages().ofRun(gone.run().id())).isEmpty();
    assertThat(store.runs().find(gone.thread().id(), gone.run().id())).isEmpty();
    assertThat(store.runs().events(gone.run().id(), 0)).isEmpty();

    Scope keptScope = Scope.project(kept.id());
    assertThat(store.apiKeys().findByHash(stays.key().hash())).contains(stays.key());
    assertThat(store.agents().find(keptScope, stays.agent().id())).contains(stays.agent());
    assertThat(store.threads().find(keptScope, stays.thread().id())).contains(stays.thread());
    assertThat(store.messages().list(stays.thread().id(), PageRequest.first(10)).data())
        .containsExactly(stays.message());
    assertThat(store.runs().find(stays.thread().id(), stays.run().id())).contains(stays.run());
    assertThat(store.runs().events(stays.run().id(), 0)).containsExactly(stays.event());
  }

  // ---------------------------------------------------------------- admin key

  @Test
  void initAdminKeyHashWhenNoneStoredThenStoresAndReturnsTrue() {
    assertThat(store.projects().initAdminKeyHash("hash-1")).isTrue();

    assertThat(store.projects().adminKeyHash()).contains("hash-1");
  }

  @Test
  void initAdminKeyHashWhenAlreadyStoredThenFalseAndUnchanged() {
    store.projects().initAdminKeyHash("hash-1");

    assertThat(store.projects().initAdminKeyHash("hash-2")).isFalse();
    assertThat(store.projects().adminKeyHash()).contains("hash-1");
  }

  @Test
  void initAdminKeyHashWhenServersStartAtOnceThenExactlyOneStores() throws Exception {
    int servers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<Boolean>> inits = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      String hash = "hash-" + i;
      inits.add(() -> {
        go.await();
        return store.projects().initAdminKeyHash(hash);
      });
    }
    List<Boolean> stored = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(servers)) {
      List<Future<Boolean>> results = inits.stream().map(pool::submit).toList();
      go.countDown();
      for (Future<Boolean> r : results) {
        stored.add(r.get());
      }
    }

    assertThat(stored).containsOnlyOnce(true);
    String winner = "hash-" + stored.indexOf(true);
    assertThat(store.projects().adminKeyHash()).contains(winner);
  }

  @Test
  void replaceAdminKeyHashWhenStoredThenReplaced() {
    store.projects().initAdminKeyHash("hash-1");

    store.projects().replaceAdminKeyHash("hash-2");

    assertThat(store.projects().adminKeyHash()).contains("hash-2");
  }

  @Test
  void replaceAdminKeyHashWhenNoneStoredThenStored() {
    store.projects().replaceAdminKeyHash("hash-1");

    assertThat(store.projects().adminKeyHash()).contains("hash-1");
    assertThat(store.projects().initAdminKeyHash("hash-2")).isFalse();
  }

  // ---------------------------------------------------------------- api keys

  @Test
  void apiKeysFindByHashWhenInsertedThenEqualsInserted() {
    Project p = store.projects().create("acme");
    ApiKey key = apiKey(p, "hash-1", Optional.of(START_MILLIS.plus(Duration.ofDays(30))));

    store.apiKeys().insert(key);

    assertThat(store.apiKeys().findByHash("hash-1")).contains(key);
  }

  @Test
  void apiKeysFindByHashWhenUnknownHashThenEmpty() {
    Project p = store.projects().create("acme");
    store.apiKeys().insert(apiKey(p, "hash-1"));

    assertThat(store.apiKeys().findByHash("hash-2")).isEmpty();
  }

  @Test
  void apiKeysInsertWhenHashAlreadyStoredThenRefusedAndFirstKeyKept() {
    Project p = store.projects().create("acme");
    ApiKey first = apiKey(p, "hash-1");
    store.apiKeys().insert(first);

    assertThatThrownBy(() -> store.apiKeys().insert(apiKey(p, "hash-1")))
        .isInstanceOfSatisfying(PortcullisException.class,
            e -> assertThat(e.code()).isEqualTo(dev.portcullis.core.error.ErrorCode.CONFLICT));
    assertThat(store.apiKeys().findByHash("hash-1")).contains(first);
    assertThat(store.apiKeys().list(p.id(), PageRequest.first(10)).data()).containsExactly(first);
  }

  @Test
  void apiKeysListWhenSomeRevokedThenOnlyLiveKeysOfTheProjectOldestFirst() {
    Project p = store.projects().create("acme");
    Project other = store.projects().create("other");
    ApiKey a = apiKey(p, "hash-a");
    ApiKey revoked = apiKey(p, "hash-r");
    ApiKey b = apiKey(p, "hash-b");
    store.apiKeys().insert(a);
    store.apiKeys().insert(revoked);
    store.apiKeys().insert(apiKey(other, "hash-o"));
    store.apiKeys().insert(b);

    store.apiKeys().revoke(p.id(), revoked.id(), clock.instant());

    assertThat(store.apiKeys().list(p.id(), PageRequest.first(10)).data()).containsExactly(a, b);
  }

  @Test
  void apiKeysRevokeWhenLiveThenTrueAndFindByHashShowsRevokedAt() {
    Project p = store.projects().create("acme");
    ApiKey key = apiKey(p, "hash-1");
    store.apiKeys().insert(key);
    Instant at = Instant.parse("2026-03-02T08:00:00.456Z");

    assertThat(store.apiKeys().revoke(p.id(), key.id(), at)).isTrue();

    assertThat(store.apiKeys().findByHash("hash-1")).get()
        .extracting(ApiKey::revokedAt).isEqualTo(Optional.of(at));
  }

  @Test
  void apiKeysRevokeWhenAlreadyRevokedThenFalseAndFirstRevocationKept() {
    Project p = store.projects().create("acme");
    ApiKey key = apiKey(p, "hash-1");
    store.apiKeys().insert(key);
    Instant first = Instant.parse("2026-03-02T08:00:00Z");
    store.apiKeys().revoke(p.id(), key.id(), first);

    assertThat(store.apiKeys().revoke(p.id(), key.id(), first.plusSeconds(60))).isFalse();
    assertThat(store.apiKeys().findByHash("hash-1")).get()
        .extracting(ApiKey::revokedAt).isEqualTo(Optional.of(first));
  }

  @Test
  void apiKeysRevokeWhenKeyOfAnotherProjectThenFalseAndKeyStaysLive() {
    Project owner = store.projects().create("owner");
    Project intruder = store.projects().create("intruder");
    ApiKey key = apiKey(owner, "hash-1");
    store.apiKeys().insert(key);

    assertThat(store.apiKeys().revoke(intruder.id(), key.id(), clock.instant())).isFalse();
    assertThat(store.apiKeys().findByHash("hash-1")).contains(key);
    assertThat(store.apiKeys().list(owner.id(), PageRequest.first(10)).data()).containsExactly(key);
  }

  @Test
  void apiKeysRevokeWhenUnknownIdThenFalse() {
    Project p = store.projects().create("acme");
    store.apiKeys().insert(apiKey(p, "hash-1"));

    assertThat(store.apiKeys().revoke(p.id(), "key_unknown", clock.instant())).isFalse();
  }

  @Test
  void apiKeysTouchWhenCalledThenLastUsedAtSetAndNothingElseChanged() {
    Project p = store.projects().create("acme");
    ApiKey key = apiKey(p, "hash-1");
    store.apiKeys().insert(key);
    Instant used = Instant.parse("2026-03-01T13:14:15.678Z");

    store.apiKeys().touch(key.id(), used);

    assertThat(store.apiKeys().findByHash("hash-1")).contains(new ApiKey(key.id(), key.projectId(),
        key.name(), key.prefix(), key.hash(), key.createdAt(), key.expiresAt(), Optional.of(used),
        Optional.empty()));
  }

  @Test
  void apiKeysListWhenFiveLiveAmongRevokedWithLimitTwoThenPagesOfTwoTwoOne() {
    Project p = store.projects().create("acme");
    List<ApiKey> live = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ApiKey revoked = apiKey(p, "hash-r" + i);
      store.apiKeys().insert(revoked);
      store.apiKeys().revoke(p.id(), revoked.id(), clock.instant());
      ApiKey key = apiKey(p, "hash-" + i);
      store.apiKeys().insert(key);
      live.add(key);
    }

    assertPagesOfTwoTwoOne(live, page -> store.apiKeys().list(p.id(), page));
  }

  // ---------------------------------------------------------------- client tokens

  @Test
  void clientTokensFindByHashWhenInsertedThenEqualsInsertedWithPolicyInGivenOrder() {
    Project p = store.projects().create("acme");
    // Neither sorted by type nor by id: only the order given can come back.
    List<ClientGrant> policy = List.of(
        new ClientGrant(ClientGrant.Type.THREAD, "thr_b", Set.of(Access.WRITE_MESSAGES, Access.READ_MESSAGES)),
        new ClientGrant(ClientGrant.Type.AGENT, "agt_z", Set.of(Access.READ_AGENT)),
        new ClientGrant(ClientGrant.Type.AGENT, "agt_a", Set.of(Access.values())),
        new ClientGrant(ClientGrant.Type.THREAD, "thr_a", Set.of(Access.READ_MESSAGES)));
    ClientToken token = new ClientToken(ResourceIds.next("ctk_"), p.id(), "hash-1", policy,
        Optional.of("https://app.example:8443"), START_MILLIS.plus(Duration.ofHours(1)), START_MILLIS, Optional.empty());

    store.clientTokens().insert(token);

    assertThat(store.clientTokens().findByHash("hash-1")).contains(token);
    assertThat(store.clientTokens().find(p.id(), token.id())).contains(token);
    assertThat(store.clientTokens().findByHash("hash-1").orElseThrow().policy()).containsExactlyElementsOf(policy);
  }

  @Test
  void clientTokensFindWhenHostnameAbsentThenEmptyNotBlank() {
    Project p = store.projects().create("acme");
    ClientToken token = clientToken(p, "hash-1", Optional.empty(), START_MILLIS.plusSeconds(60));

    store.clientTokens().insert(token);

    assertThat(store.clientTokens().findByHash("hash-1")).get().extracting(ClientToken::hostname)
        .isEqualTo(Optional.empty());
    assertThat(store.clientTokens().find(p.id(), token.id())).contains(token);
  }

  @Test
  void clientTokensFindWhenUnknownHashOrIdOrAnotherProjectThenEmpty() {
    Project p = store.projects().create("acme");
    Project other = store.projects().create("other");
    ClientToken token = clientToken(p, "hash-1", Optional.empty(), START_MILLIS.plusSeconds(60));
    store.clientTokens().insert(token);

    assertThat(store.clientTokens().findByHash("hash-2")).isEmpty();
    assertThat(store.clientTokens().find(p.id(), "ctk_unknown")).isEmpty();
    assertThat(store.clientTokens().find(other.id(), token.id())).isEmpty();
  }

  @Test
  void clientTokensFindWhenRevokedOrExpiredThenStillFoundSoThatTheyCanBeRefusedAsSuch() {
    Project p = store.projects().create("acme");
    ClientToken expired = clientToken(p, "hash-e", Optional.empty(), START_MILLIS.minusSeconds(1));
    ClientToken revoked = clientToken(p, "hash-r", Optional.empty(), START_MILLIS.plusSeconds(60));
    store.clientTokens().insert(expired);
    store.clientTokens().insert(revoked);
    Instant at = START_MILLIS.plusMillis(5);

    store.clientTokens().revoke(p.id(), revoked.id(), at);

    assertThat(store.clientTokens().findByHash("hash-e")).contains(expired);
    assertThat(store.clientTokens().findByHash("hash-r")).get().extracting(ClientToken::revokedAt)
        .isEqualTo(Optional.of(at));
    assertThat(store.clientTokens().find(p.id(), revoked.id())).get().extracting(ClientToken::revokedAt)
        .isEqualTo(Optional.of(at));
  }

  @Test
  void clientTokensInsertWhenHashAlreadyStoredThenRefusedAndFirstTokenKept() {
    Project p = store.projects().create("acme");
    ClientToken first = clientToken(p, "hash-1", Optional.empty(), START_MILLIS.plusSeconds(60));
    store.clientTokens().insert(first);

    assertThatThrownBy(() -> store.clientTokens().insert(clientToken(p, "hash-1", Optional.empty(),
        START_MILLIS.plusSeconds(60))))
        .isInstanceOfSatisfying(PortcullisException.class,
            e -> assertThat(e.code()).isEqualTo(dev.portcullis.core.error.ErrorCode.CONFLICT));
    assertThat(store.clientTokens().findByHash("hash-1")).contains(first);
    assertThat(store.clientTokens().listLive(p.id(), START_MILLIS, PageRequest.first(10)).data())
        .containsExactly(first);
  }

  @Test
  void clientTokensListLiveWhenSomeRevokedExpiredOrOfAnotherProjectThenOnlyLiveOfTheProjectOldestFirst() {
    Project p = store.projects().create("acme");
    Project other = store.projects().create("other");
    ClientToken a = clientToken(p, "hash-a", Optional.of("https://app.example"), START_MILLIS.plusSeconds(60));
    ClientToken revoked = clientToken(p, "hash-r", Optional.empty(), START_MILLIS.plusSeconds(60));
    ClientToken expired = clientToken(p, "hash-e", Optional.empty(), START_MILLIS.minusMillis(1));
    ClientToken b = clientToken(p, "hash-b", Optional.empty(), START_MILLIS.plusSeconds(30));
    for (ClientToken t : List.of(a, revoked, expired, clientToken(other, "hash-o", Optional.empty(),
        START_MILLIS.plusSeconds(60)), b)) {
      store.clientTokens().insert(t);
    }
    store.clientTokens().revoke(p.id(), revoked.id(), START_MILLIS);

    assertThat(store.clientTokens().listLive(p.id(), START_MILLIS, PageRequest.first(10)).data())
        .containsExactly(a, b);
    assertThat(store.clientTokens().listLive(p.id(), START_MILLIS.plusSeconds(45), PageRequest.first(10)).data())
        .containsExactly(a);
    assertThat(store.clientTokens().listLive(p.id(), START_MILLIS.plusSeconds(61), PageRequest.first(10)).data())
        .isEmpty();
  }

  /**
   * Guards the edge of expiry: a token is refused from the millisecond after {@code expires_at},
   * and a store must agree with {@link ClientToken#liveAt} to the nanosecond, or a token could
   * be listed (or answer a preflight) while its requests are refused.
   */
  @Test
  void clientTokensListLiveWhenNowIsExpiresAtThenLiveAndFromAnyInstantAfterThenNot() {
    Project p = store.projects().create("acme");
    Instant expiresAt = START_MILLIS.plusSeconds(60);
    ClientToken token = clientToken(p, "hash-1", Optional.of("https://app.example"), expiresAt);
    store.clientTokens().insert(token);

    for (Instant now : List.of(expiresAt.minusMillis(1), expiresAt.minusNanos(1), expiresAt, expiresAt.plusNanos(1),
        expiresAt.plusNanos(999_999), expiresAt.plusMillis(1))) {
      boolean live = token.liveAt(now);
      assertThat(store.clientTokens().listLive(p.id(), now, PageRequest.first(10)).data())
          .as("listed at %s", now).hasSize(live ? 1 : 0);
      assertThat(store.clientTokens().anyLiveWithHostname("https://app.example", now))
          .as("bound origin live at %s", now).isEqualTo(live);
    }
    assertThat(token.liveAt(expiresAt)).isTrue();
    assertThat(token.liveAt(expiresAt.plusNanos(1))).isFalse();
  }

  @Test
  void clientTokensListLiveWhenFiveLiveAmongRevokedAndExpiredWithLimitTwoThenPagesOfTwoTwoOne() {
    Project p = store.projects().create("acme");
    List<ClientToken> live = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ClientToken revoked = clientToken(p, "hash-r" + i, Optional.empty(), START_MILLIS.plusSeconds(60));
      store.clientTokens().insert(revoked);
      store.clientTokens().revoke(p.id(), revoked.id(), START_MILLIS);
      store.clientTokens().insert(clientToken(p, "hash-e" + i, Optional.empty(), START_MILLIS.minusSeconds(1)));
      ClientToken token = clientToken(p, "hash-" + i, Optional.empty(), START_MILLIS.plusSeconds(60));
      store.clientTokens().insert(token);
      live.add(token);
    }

    assertPagesOfTwoTwoOne(live, page -> store.clientTokens().listLive(p.id(), START_MILLIS, page));
  }

  @Test
  void clientTokensRevokeWhenLiveThenTrueOnceAndFirstRevocationKept() {
    Project p = store.projects().create("acme");
    ClientToken token = clientToken(p, "hash-1", Optional.empty(), START_MILLIS.plusSeconds(60));
    store.clientTokens().insert(token);
    Instant first = Instant.parse("2026-03-01T12:00:10.456Z");

    assertThat(store.clientTokens().revoke(p.id(), token.id(), first)).isTrue();
    assertThat(store.clientTokens().revoke(p.id(), token.id(), first.plusSeconds(5))).isFalse();

    assertThat(store.clientTokens().findByHash("hash-1")).get().extracting(ClientToken::revokedAt)
        .isEqualTo(Optional.of(first));
    assertThat(store.clientTokens().listLive(p.id(), START_MILLIS, PageRequest.first(10)).data()).isEmpty();
  }

  @Test
  void clientTokensRevokeWhenTokenOfAnotherProjectThenFalseAndTokenStaysLive() {
    Project owner = store.projects().create("owner");
    Project intruder = store.projects().create("intruder");
    ClientToken token = clientToken(owner, "hash-1", Optional.of("https://app.example"), START_MILLIS.plusSeconds(60));
    store.clientTokens().insert(token);

    assertThat(store.clientTokens().revoke(intruder.id(), token.id(), START_MILLIS)).isFalse();

    assertThat(store.clientTokens().findByHash("hash-1")).contains(token);
    assertThat(store.clientTokens().listLive(owner.id(), START_MILLIS, PageRequest.first(10)).data())
        .containsExactly(token);
    assertThat(store.clientTokens().anyLiveWithHostname("https://app.example", START_MILLIS)).isTrue();
  }

  @Test
  void clientTokensRevokeWhenUnknownIdThenFalse() {
    Project p = store.projects().create("acme");
    store.clientTokens().insert(clientToken(p, "hash-1", Optional.empty(), START_MILLIS.plusSeconds(60)));

    assertThat(store.clientTokens().revoke(p.id(), "ctk_unknown", START_MILLIS)).isFalse();
  }

  /** Expiry is not revocation: an expired token can still be revoked, once. */
  @Test
  void clientTokensRevokeWhenExpiredButNotRevokedThenTrue() {
    Project p = store.projects().create("acme");
    ClientToken token = clientToken(p, "hash-1", Optional.empty(), START_MILLIS.minusSeconds(60));
    store.clientTokens().insert(token);

    assertThat(store.clientTokens().revoke(p.id(), token.id(), START_MILLIS)).isTrue();
    assertThat(store.clientTokens().revoke(p.id(), token.id(), START_MILLIS)).isFalse();
  }

  @Test
  void clientTokensAnyLiveWithHostnameWhenLiveTokenOfAnyProjectIsBoundThenTrue() {
    Project p = store.projects().create("acme");
    Project other = store.projects().create("other");
    store.clientTokens().insert(clientToken(p, "hash-1", Optional.empty(), START_MILLIS.plusSeconds(60)));
    store.clientTokens().insert(clientToken(other, "hash-2", Optional.of("https://app.example"),
        START_MILLIS.plusSeconds(60)));

    assertThat(store.clientTokens().anyLiveWithHostname("https://app.example", START_MILLIS)).isTrue();
  }

  @Test
  void clientTokensAnyLiveWithHostnameWhenOnlyRevokedExpiredOrOtherOriginsThenFalse() {
    Project p = store.projects().create("acme");
    ClientToken revoked = clientToken(p, "hash-r", Optional.of("https://app.example"), START_MILLIS.plusSeconds(60));
    store.clientTokens().insert(revoked);
    store.clientTokens().revoke(p.id(), revoked.id(), START_MILLIS);
    store.clientTokens().insert(clientToken(p, "hash-e", Optional.of("https://app.example"),
        START_MILLIS.minusMillis(1)));
    store.clientTokens().insert(clientToken(p, "hash-p", Optional.of("https://app.example:8443"),
        START_MILLIS.plusSeconds(60)));
    store.clientTokens().insert(clientToken(p, "hash-h", Optional.of("http://app.example"),
        START_MILLIS.plusSeconds(60)));
    store.clientTokens().insert(clientToken(p, "hash-s", Optional.of("https://app.example.evil"),
        START_MILLIS.plusSeconds(60)));
    store.clientTokens().insert(clientToken(p, "hash-n", Optional.empty(), START_MILLIS.plusSeconds(60)));

    assertThat(store.clientTokens().anyLiveWithHostname("https://app.example", START_MILLIS)).isFalse();
    assertThat(store.clientTokens().anyLiveWithHostname("https://app.example:8443", START_MILLIS)).isTrue();
    assertThat(store.clientTokens().anyLiveWithHostname("https://app.example:8443", START_MILLIS.plusSeconds(61)))
        .isFalse();
  }

  @Test
  void clientTokensWhenProjectDeletedThenGoneWithIt() {
    Project doomed = store.projects().create("doomed");
    ClientToken token = clientToken(doomed, "hash-1", Optional.of("https://app.example"), START_MILLIS.plusSeconds(60));
    store.clientTokens().insert(token);

    store.projects().delete(doomed.id());

    assertThat(store.clientTokens().findByHash("hash-1")).isEmpty();
    assertThat(store.clientTokens().find(doomed.id(), token.id())).isEmpty();
    assertThat(store.clientTokens().anyLiveWithHostname("https://app.example", START_MILLIS)).isFalse();
  }

  // ---------------------------------------------------------------- ws tickets

  @Test
  void wsTicketsRedeemWhenFirstUseThenRedeemedWithStoredFields() {
    Project p = store.projects().create("acme");
    var ticket = new WsTicketStore.StoredTicket("hash-1", Optional.of(p.id()), "{\"kind\":\"client\"}", START_MILLIS,
        START_MILLIS.plusSeconds(60));
    store.wsTickets().insert(ticket);

    assertThat(store.wsTickets().redeem("hash-1", START_MILLIS.plusSeconds(1)))
        .isEqualTo(new WsTicketStore.Redemption.Redeemed(ticket));
  }

  @Test
  void wsTicketsRedeemWhenUsedBeforeThenAlreadyUsed() {
    store.wsTickets().insert(new WsTicketStore.StoredTicket("hash-1", Optional.empty(), "{}", START_MILLIS,
        START_MILLIS.plusSeconds(60)));
    store.wsTickets().redeem("hash-1", START_MILLIS);

    assertThat(store.wsTickets().redeem("hash-1", START_MILLIS)).isInstanceOf(WsTicketStore.Redemption.AlreadyUsed.class);
  }

  @Test
  void wsTicketsRedeemWhenNoSuchHashThenUnknown() {
    assertThat(store.wsTickets().redeem("hash-1", START_MILLIS)).isInstanceOf(WsTicketStore.Redemption.Unknown.class);
  }

  @Test
  void wsTicketsRedeemWhenManyServersRaceThenExactlyOneRedeems() throws Exception {
    store.wsTickets().insert(new WsTicketStore.StoredTicket("hash-1", Optional.empty(), "{}", START_MILLIS,
        START_MILLIS.plusSeconds(60)));
    int servers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<WsTicketStore.Redemption> outcomes = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(servers)) {
      List<Future<WsTicketStore.Redemption>> results = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return store.wsTickets().redeem("hash-1", START_MILLIS);
        }));
      }
      go.countDown();
      for (Future<WsTicketStore.Redemption> r : results) {
        outcomes.add(r.get());
      }
    }

    assertThat(outcomes).filteredOn(o -> o instanceof WsTicketStore.Redemption.Redeemed).hasSize(1);
    assertThat(outcomes).filteredOn(o -> o instanceof WsTicketStore.Redemption.AlreadyUsed).hasSize(servers - 1);
  }

  @Test
  void wsTicketsDeleteExpiredBeforeWhenSweptThenOnlyLaterTicketsStay() {
    store.wsTickets().insert(new WsTicketStore.StoredTicket("old", Optional.empty(), "{}", START_MILLIS,
        START_MILLIS.plusSeconds(60)));
    store.wsTickets().insert(new WsTicketStore.StoredTicket("new", Optional.empty(), "{}", START_MILLIS,
        START_MILLIS.plusSeconds(120)));

    assertThat(store.wsTickets().deleteExpiredBefore(START_MILLIS.plusSeconds(61))).isEqualTo(1);

    assertThat(store.wsTickets().redeem("old", START_MILLIS)).isInstanceOf(WsTicketStore.Redemption.Unknown.class);
    assertThat(store.wsTickets().redeem("new", START_MILLIS)).isInstanceOf(WsTicketStore.Redemption.Redeemed.class);
  }

  @Test
  void wsTicketsWhenProjectDeletedThenItsTicketsGo() {
    Project p = store.projects().create("acme");
    store.wsTickets().insert(new WsTicketStore.StoredTicket("hash-1", Optional.of(p.id()), "{}", START_MILLIS,
        START_MILLIS.plusSeconds(60)));

    store.projects().delete(p.id());

    assertThat(store.wsTickets().redeem("hash-1", START_MILLIS)).isInstanceOf(WsTicketStore.Redemption.Unknown.class);
  }

  // ---------------------------------------------------------------- agents

  @Test
  void agentsFindWhenCreatedThenEqualsCreated() {
    Project p = store.projects().create("acme");

    Agent created = store.agents().create(p.id(), new NewAgent("helper", "echo", Optional.of("Be brief."),
        Map.of("team", "red", "tier", 2)));

    assertThat(created.id()).startsWith("agt_");
    assertThat(created.createdAt()).isEqualTo(created.updatedAt()).isEqualTo(START_MILLIS);
    assertThat(store.agents().find(Scope.project(p.id()), created.id())).contains(created);
  }

  @Test
  void agentsFindWhenUnknownIdThenEmpty() {
    Project p = store.projects().create("acme");
    agent(p);

    assertThat(store.agents().find(Scope.project(p.id()), "agt_unknown")).isEmpty();
  }

  @Test
  void agentsUpdateWhenPatchHasSomeFieldsThenOnlyThoseChangeAndUpdatedAtMoves() {
    Project p = store.projects().create("acme");
    Scope scope = Scope.project(p.id());
    Agent a = store.agents().create(p.id(), new NewAgent("helper", "echo", Optional.of("Be brief."),
        Map.of("team", "red")));
    clock.advance(Duration.ofSeconds(5));

    Optional<Agent> updated = store.agents().update(scope, a.id(), new AgentPatch(Optional.of("renamed"),
        Optional.empty(), Optional.empty(), Optional.of(Map.of("team", "blue"))));

    Agent expected = new Agent(a.id(), p.id(), "renamed", "echo", Optional.of("Be brief."),
        Map.of("team", "blue"), a.createdAt(), a.createdAt().plusSeconds(5));
    assertThat(updated).contains(expected);
    assertThat(store.agents().find(scope, a.id())).contains(expected);
  }

  @Test
  void agentsUpdateWhenUnknownIdThenEmpty() {
    Project p = store.projects().create("acme");

    assertThat(store.agents().update(Scope.project(p.id()), "agt_unknown", renameTo("x"))).isEmpty();
  }

  @Test
  void agentsDeleteWhenInScopeThenTrueOnceAndGone() {
    Project p = store.projects().create("acme");
    Scope scope = Scope.project(p.id());
    Agent a = agent(p);

    assertThat(store.agents().delete(scope, a.id())).isTrue();
    assertThat(store.agents().find(scope, a.id())).isEmpty();
    assertThat(store.agents().list(scope, PageRequest.first(10)).data()).isEmpty();
    assertThat(store.agents().delete(scope, a.id())).isFalse();
  }

  @Test
  void agentsWhenScopeIsAnotherProjectThenFindUpdateDeleteAndListSeeNothing() {
    Project owner = store.projects().create("owner");
    Project intruder = store.projects().create("intruder");
    Agent a = agent(owner);
    Scope foreign = Scope.project(intruder.id());

    assertThat(store.agents().find(foreign, a.id())).isEmpty();
    assertThat(store.agents().update(foreign, a.id(), renameTo("taken"))).isEmpty();
    assertThat(store.agents().delete(foreign, a.id())).isFalse();
    assertThat(store.agents().list(foreign, PageRequest.first(10)).data()).isEmpty();

    assertThat(store.agents().find(Scope.project(owner.id()), a.id())).contains(a);
  }

  @Test
  void agentsWhenFilterExcludesAgentThenFindUpdateDeleteAndListSeeNothing() {
    Project p = store.projects().create("acme");
    Agent red = store.agents().create(p.id(), new NewAgent("red", "echo", Optional.empty(), Map.of("team", "red")));
    Agent blue = store.agents().create(p.id(), new NewAgent("blue", "echo", Optional.empty(), Map.of("team", "blue")));
    Scope redOnly = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red")));

    assertThat(store.agents().find(redOnly, blue.id())).isEmpty();
    assertThat(store.agents().update(redOnly, blue.id(), renameTo("taken"))).isEmpty();
    assertThat(store.agents().delete(redOnly, blue.id())).isFalse();
    assertThat(store.agents().list(redOnly, PageRequest.first(10)).data()).containsExactly(red);

    assertThat(store.agents().find(Scope.project(p.id()), blue.id())).contains(blue);
  }

  @Test
  void agentsListWhenFiveAmongAnotherProjectsWithLimitTwoThenPagesOfTwoTwoOne() {
    Project p = store.projects().create("acme");
    Project other = store.projects().create("other");
    List<Agent> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(agent(p));
      agent(other);
    }

    assertPagesOfTwoTwoOne(created, page -> store.agents().list(Scope.project(p.id()), page));
  }

  // ---------------------------------------------------------------- threads

  @Test
  void threadsFindWhenCreatedThenEqualsCreatedWithMetadataOfEveryJsonType() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    Map<String, Object> metadata = Map.of("user", "alice", "count", 3, "ratio", 0.25, "vip", true,
        "big", 9_007_199_254_740_993L, "tags", List.of("a", "b"), "nested", Map.of("k", "v"));

    AgentThread created = store.threads().create(p.id(), a.id(), metadata);

    assertThat(created.id()).startsWith("thr_");
    assertThat(created.metadata()).isEqualTo(metadata);
    assertThat(store.threads().find(Scope.project(p.id()), created.id())).contains(created);
  }

  @Test
  void threadsFindWhenScopeIsAnotherProjectThenEmpty() {
    Project owner = store.projects().create("owner");
    Project intruder = store.projects().create("intruder");
    AgentThread t = thread(owner, agent(owner), Map.of());
    Scope foreign = Scope.project(intruder.id());

    assertThat(store.threads().find(foreign, t.id())).isEmpty();
    assertThat(store.threads().search(foreign, ThreadQuery.ALL, PageRequest.first(10)).data()).isEmpty();
    assertThat(store.threads().updateMetadata(foreign, t.id(), Map.of("taken", true))).isEmpty();
    assertThat(store.threads().delete(foreign, t.id())).isFalse();
    assertThat(store.threads().find(Scope.project(owner.id()), t.id())).contains(t);
  }

  @Test
  void threadsSearchWhenAgentIdGivenThenOnlyThatAgentsThreads() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    Agent b = agent(p);
    AgentThread a1 = thread(p, a, Map.of());
    thread(p, b, Map.of());
    AgentThread a2 = thread(p, a, Map.of());

    assertThat(search(p, new ThreadQuery(Optional.of(a.id()), Map.of()))).containsExactly(a1, a2);
  }

  @Test
  void threadsSearchWhenStringValueEqualThenMatches() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread alice = thread(p, a, Map.of("user", "alice"));
    thread(p, a, Map.of("user", "bob"));

    assertThat(search(p, metadata(Map.of("user", "alice")))).containsExactly(alice);
  }

  @Test
  void threadsSearchWhenNumberValueEqualThenMatches() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread three = thread(p, a, Map.of("count", 3, "ratio", 0.5));
    thread(p, a, Map.of("count", 4, "ratio", 0.5));

    assertThat(search(p, metadata(Map.of("count", 3)))).containsExactly(three);
    assertThat(search(p, metadata(Map.of("count", 3, "ratio", 0.5)))).containsExactly(three);
  }

  @Test
  void threadsSearchWhenBooleanValueEqualThenMatches() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread vip = thread(p, a, Map.of("vip", true));
    AgentThread regular = thread(p, a, Map.of("vip", false));

    assertThat(search(p, metadata(Map.of("vip", true)))).containsExactly(vip);
    assertThat(search(p, metadata(Map.of("vip", false)))).containsExactly(regular);
  }

  @Test
  void threadsSearchWhenSeveralKeysThenOnlyThreadsMatchingAllOfThem() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread all = thread(p, a, Map.of("user", "alice", "count", 3, "vip", true, "extra", "x"));
    thread(p, a, Map.of("user", "alice", "count", 3, "vip", false));
    thread(p, a, Map.of("user", "alice", "count", 4, "vip", true));
    thread(p, a, Map.of("user", "bob", "count", 3, "vip", true));

    assertThat(search(p, metadata(Map.of("user", "alice", "count", 3, "vip", true)))).containsExactly(all);
  }

  @Test
  void threadsSearchWhenValueDiffersThenNoMatch() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    thread(p, a, Map.of("user", "alice", "count", 3, "vip", true));

    assertThat(search(p, metadata(Map.of("user", "Alice")))).isEmpty();
    assertThat(search(p, metadata(Map.of("count", 4)))).isEmpty();
    assertThat(search(p, metadata(Map.of("vip", false)))).isEmpty();
  }

  @Test
  void threadsSearchWhenKeyMissingThenNoMatch() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    thread(p, a, Map.of("user", "alice"));
    thread(p, a, Map.of());

    assertThat(search(p, metadata(Map.of("team", "red")))).isEmpty();
    assertThat(search(p, metadata(Map.of("user", "alice", "team", "red")))).isEmpty();
  }

  @Test
  void threadsSearchWhenValueHasAnotherJsonTypeThenNoMatch() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    thread(p, a, Map.of("count", 3, "vip", true, "code", "7"));

    assertThat(search(p, metadata(Map.of("count", "3")))).isEmpty();
    assertThat(search(p, metadata(Map.of("vip", "true")))).isEmpty();
    assertThat(search(p, metadata(Map.of("code", 7)))).isEmpty();
  }

  /**
   * Guards the quoting of keys: SQLite reads a key through a JSON path, where a quote or a
   * backslash once gave a database error or matched nothing, and a dot must not mean nesting.
   */
  @ParameterizedTest
  @ValueSource(strings = {"a.b", "a\"b", "a\\b", "a'b", "a b", "$", "[0]", "é", ""})
  void threadsSearchWhenKeyHasPathCharactersThenMatchesThatKeyOnly(String key) {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread match = thread(p, a, Map.of(key, "v"));
    thread(p, a, Map.of(key, "w"));
    thread(p, a, Map.of("a", Map.of("b", "v"), "k", "v"));
    Scope filtered = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of(key, "v")));

    assertThat(search(p, metadata(Map.of(key, "v")))).containsExactly(match);
    assertThat(store.threads().find(filtered, match.id())).contains(match);
  }

  @Test
  void threadsSearchWhenAgentIdAndMetadataGivenThenBothApply() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    Agent b = agent(p);
    AgentThread match = thread(p, a, Map.of("user", "alice"));
    thread(p, a, Map.of("user", "bob"));
    thread(p, b, Map.of("user", "alice"));

    assertThat(search(p, new ThreadQuery(Optional.of(a.id()), Map.of("user", "alice")))).containsExactly(match);
  }

  @Test
  void threadsFindWhenFilterExcludesThreadThenEmpty() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread red = thread(p, a, Map.of("team", "red"));
    AgentThread blue = thread(p, a, Map.of("team", "blue"));
    AgentThread none = thread(p, a, Map.of());
    Scope redOnly = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red")));

    assertThat(store.threads().find(redOnly, red.id())).contains(red);
    assertThat(store.threads().find(redOnly, blue.id())).isEmpty();
    assertThat(store.threads().find(redOnly, none.id())).isEmpty();
  }

  @Test
  void threadsSearchWhenFilterExcludesThreadThenOmitted() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread red = thread(p, a, Map.of("team", "red", "user", "alice"));
    thread(p, a, Map.of("team", "blue", "user", "alice"));
    Scope redOnly = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red")));

    assertThat(store.threads().search(redOnly, ThreadQuery.ALL, PageRequest.first(10)).data())
        .containsExactly(red);
    assertThat(store.threads().search(redOnly, metadata(Map.of("user", "alice")), PageRequest.first(10)).data())
        .containsExactly(red);
    assertThat(store.threads().search(redOnly, metadata(Map.of("team", "blue")), PageRequest.first(10)).data())
        .isEmpty();
  }

  @Test
  void threadsFindWhenFilterHasSeveralConditionsThenAllMustHold() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread both = thread(p, a, Map.of("team", "red", "level", 2));
    AgentThread onlyTeam = thread(p, a, Map.of("team", "red", "level", 1));
    Scope scope = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red", "level", 2)));

    assertThat(store.threads().find(scope, both.id())).contains(both);
    assertThat(store.threads().find(scope, onlyTeam.id())).isEmpty();
  }

  @Test
  void threadsUpdateMetadataWhenFilterExcludesThreadThenEmptyAndUnchanged() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread blue = thread(p, a, Map.of("team", "blue"));
    Scope redOnly = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red")));

    assertThat(store.threads().updateMetadata(redOnly, blue.id(), Map.of("team", "red"))).isEmpty();
    assertThat(store.threads().find(Scope.project(p.id()), blue.id())).contains(blue);
  }

  @Test
  void threadsDeleteWhenFilterExcludesThreadThenFalseAndKept() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread blue = thread(p, a, Map.of("team", "blue"));
    Scope redOnly = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red")));

    assertThat(store.threads().delete(redOnly, blue.id())).isFalse();
    assertThat(store.threads().find(Scope.project(p.id()), blue.id())).contains(blue);
  }

  @Test
  void threadsUpdateMetadataWhenInScopeThenReplacedAndUpdatedAtMoves() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of("team", "red", "user", "alice"));
    Scope redOnly = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red")));
    clock.advance(Duration.ofMinutes(1));

    Optional<AgentThread> updated = store.threads().updateMetadata(redOnly, t.id(), Map.of("team", "red", "n", 1));

    AgentThread expected = new AgentThread(t.id(), p.id(), a.id(), Map.of("team", "red", "n", 1), t.createdAt(),
        t.createdAt().plus(Duration.ofMinutes(1)));
    assertThat(updated).contains(expected);
    assertThat(store.threads().find(redOnly, t.id())).contains(expected);
    assertThat(search(p, metadata(Map.of("user", "alice")))).isEmpty();
    assertThat(search(p, metadata(Map.of("n", 1)))).containsExactly(expected);
  }

  @Test
  void threadsUpdateMetadataWhenUnknownIdThenEmpty() {
    Project p = store.projects().create("acme");

    assertThat(store.threads().updateMetadata(Scope.project(p.id()), "thr_unknown", Map.of())).isEmpty();
  }

  @Test
  void threadsDeleteWhenInScopeThenTrueOnceAndMessagesAndRunsGone() {
    Project p = store.projects().create("acme");
    Scope scope = Scope.project(p.id());
    Fixture f = fixture(p);

    assertThat(store.threads().delete(scope, f.thread().id())).isTrue();
    assertThat(store.threads().find(scope, f.thread().id())).isEmpty();
    assertThat(store.messages().list(f.thread().id(), PageRequest.first(10)).data()).isEmpty();
    assertThat(store.runs().find(f.thread().id(), f.run().id())).isEmpty();
    assertThat(store.runs().events(f.run().id(), 0)).isEmpty();
    assertThat(store.threads().delete(scope, f.thread().id())).isFalse();
    assertThat(store.agents().find(scope, f.agent().id())).contains(f.agent());
  }

  @Test
  void threadsSearchWhenFiveWithLimitTwoThenPagesOfTwoTwoOne() {
    Project p = store.projects().create("acme");
    Project other = store.projects().create("other");
    Agent a = agent(p);
    Agent o = agent(other);
    List<AgentThread> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(thread(p, a, Map.of("i", i)));
      thread(other, o, Map.of("i", i));
    }

    assertPagesOfTwoTwoOne(created, page -> store.threads().search(Scope.project(p.id()), ThreadQuery.ALL, page));
  }

  /** Guards that the filter is applied in the query: filtering after the LIMIT would leave pages short. */
  @Test
  void threadsSearchWhenFilterExcludesEveryOtherThreadThenPagesStillFull() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    List<AgentThread> red = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      thread(p, a, Map.of("team", "blue"));
      red.add(thread(p, a, Map.of("team", "red")));
    }
    Scope redOnly = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("team", "red")));

    assertPagesOfTwoTwoOne(red, page -> store.threads().search(redOnly, ThreadQuery.ALL, page));
  }

  // ---------------------------------------------------------------- filter operators

  /** {@code $ne}: a thread passes when the key is absent or holds another JSON value (type included). */
  @Test
  void threadsSearchWhenNotEqualsFilterThenKeyAbsentOrOtherValueOrTypePasses() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    thread(p, a, Map.of("team", "red", "level", 2, "vip", true));
    AgentThread blue = thread(p, a, Map.of("team", "blue", "level", "2", "vip", 1));
    AgentThread none = thread(p, a, Map.of());
    AgentThread other = thread(p, a, Map.of("team", List.of("red"), "level", 2.5, "vip", false));

    assertThat(filtered(p, new FilterCondition.NotEquals("team", "red"))).containsExactly(blue, none, other);
    assertThat(filtered(p, new FilterCondition.NotEquals("level", 2))).containsExactly(blue, none, other);
    assertThat(filtered(p, new FilterCondition.NotEquals("vip", true))).containsExactly(blue, none, other);
    assertThat(filtered(p, new FilterCondition.NotEquals("level", "2"))).hasSize(3).doesNotContain(blue);
  }

  /** {@code $in}: a thread passes when the key is present and equal, JSON type included, to one value. */
  @Test
  void threadsSearchWhenInFilterThenPresentAndEqualToOneValuePasses() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread red = thread(p, a, Map.of("team", "red", "level", 2));
    AgentThread green = thread(p, a, Map.of("team", "green", "level", true));
    thread(p, a, Map.of("team", "blue", "level", "2"));
    thread(p, a, Map.of("level", 1));
    thread(p, a, Map.of());

    assertThat(filtered(p, new FilterCondition.In("team", List.of("red", "green")))).containsExactly(red, green);
    assertThat(filtered(p, new FilterCondition.In("level", List.of(2, true)))).containsExactly(red, green);
    assertThat(filtered(p, new FilterCondition.In("level", List.of(2.5, "1", false)))).isEmpty();
    assertThat(filtered(p, new FilterCondition.In("team", List.of("red")))).containsExactly(red);
  }

  /** Guards that an empty {@code $in} hides everything instead of being dropped or failing as SQL {@code IN ()}. */
  @Test
  void threadsSearchWhenInFilterHasNoValuesThenNothingPasses() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of("team", "red"));
    thread(p, a, Map.of());
    Scope nothing = new Scope(p.id(), filter(new FilterCondition.In("team", List.of())));

    assertThat(store.threads().search(nothing, ThreadQuery.ALL, PageRequest.first(10)).data()).isEmpty();
    assertThat(store.threads().find(nothing, t.id())).isEmpty();
    assertThat(store.threads().delete(nothing, t.id())).isFalse();
    assertThat(store.threads().find(Scope.project(p.id()), t.id())).contains(t);
  }

  /** {@code $contains}: the key holds a JSON array with an element equal to the value, type included. */
  @Test
  void threadsSearchWhenContainsFilterThenOnlyArraysHoldingTheValuePass() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread ab = thread(p, a, Map.of("tags", List.of("a", "b"), "nums", List.of(1, 2), "flags", List.of(true)));
    AgentThread b = thread(p, a, Map.of("tags", List.of("b"), "nums", List.of("2"), "flags", List.of(1)));
    thread(p, a, Map.of("tags", "a", "nums", 2, "flags", true));
    thread(p, a, Map.of("tags", Map.of("a", "a"), "nums", Map.of("2", 2)));
    thread(p, a, Map.of("tags", List.of(List.of("a")), "nums", List.of(List.of(2))));
    thread(p, a, Map.of("tags", List.of()));
    thread(p, a, Map.of());

    assertThat(filtered(p, new FilterCondition.Contains("tags", "a"))).containsExactly(ab);
    assertThat(filtered(p, new FilterCondition.Contains("tags", "b"))).containsExactly(ab, b);
    assertThat(filtered(p, new FilterCondition.Contains("nums", 2))).containsExactly(ab);
    assertThat(filtered(p, new FilterCondition.Contains("nums", "2"))).containsExactly(b);
    assertThat(filtered(p, new FilterCondition.Contains("flags", true))).containsExactly(ab);
    assertThat(filtered(p, new FilterCondition.Contains("flags", 1))).containsExactly(b);
    assertThat(filtered(p, new FilterCondition.Contains("tags", "c"))).isEmpty();
  }

  /** Conditions of every operator combine with AND, and with the search's own metadata. */
  @Test
  void threadsSearchWhenFilterMixesOperatorsThenAllMustHold() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread match = thread(p, a, Map.of("owner", "w1", "tags", List.of("x"), "team", "red", "user", "alice"));
    thread(p, a, Map.of("owner", "w1", "tags", List.of("x"), "team", "blue", "user", "alice"));
    thread(p, a, Map.of("owner", "w1", "tags", List.of("y"), "team", "red", "user", "alice"));
    thread(p, a, Map.of("owner", "w2", "tags", List.of("x"), "team", "red", "user", "alice"));
    thread(p, a, Map.of("owner", "w1", "tags", List.of("x"), "team", "red", "user", "alice", "archived", true));
    Scope scope = new Scope(p.id(), filter(new FilterCondition.Equals("owner", "w1"),
        new FilterCondition.In("team", List.of("red", "green")), new FilterCondition.Contains("tags", "x"),
        new FilterCondition.NotEquals("archived", true)));

    assertThat(store.threads().search(scope, metadata(Map.of("user", "alice")), PageRequest.first(10)).data())
        .containsExactly(match);
    assertThat(store.threads().search(scope, metadata(Map.of("user", "bob")), PageRequest.first(10)).data())
        .isEmpty();
  }

  /**
   * The indexed key {@code owner} is spelled as a constant in the SQL: it must still compare
   * JSON values exactly, under every operator, as any other key does.
   */
  @Test
  void threadsSearchWhenFilterOnOwnerThenJsonTypesStayApart() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread text = thread(p, a, Map.of("owner", "2"));
    AgentThread number = thread(p, a, Map.of("owner", 2));
    AgentThread bool = thread(p, a, Map.of("owner", true));
    AgentThread one = thread(p, a, Map.of("owner", 1));
    AgentThread list = thread(p, a, Map.of("owner", List.of("2")));
    AgentThread none = thread(p, a, Map.of());

    assertThat(filtered(p, new FilterCondition.Equals("owner", "2"))).containsExactly(text);
    assertThat(filtered(p, new FilterCondition.Equals("owner", 2))).containsExactly(number);
    assertThat(filtered(p, new FilterCondition.Equals("owner", true))).containsExactly(bool);
    assertThat(filtered(p, new FilterCondition.NotEquals("owner", "2"))).containsExactly(number, bool, one, list, none);
    assertThat(filtered(p, new FilterCondition.In("owner", List.of(1, "2")))).containsExactly(text, one);
    assertThat(filtered(p, new FilterCondition.Contains("owner", "2"))).containsExactly(list);
    assertThat(search(p, metadata(Map.of("owner", 2)))).containsExactly(number);
  }

  /** Guards the quoting of keys under every operator (see {@link #threadsSearchWhenKeyHasPathCharactersThenMatchesThatKeyOnly}). */
  @ParameterizedTest
  @ValueSource(strings = {"a.b", "a\"b", "a\\b", "a'b", "$", "[0]", "owner.x", ""})
  void threadsSearchWhenEveryOperatorOnKeyWithPathCharactersThenThatKeyOnly(String key) {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread match = thread(p, a, Map.of(key, List.of("v")));
    AgentThread scalar = thread(p, a, Map.of(key, "v"));
    AgentThread decoy = thread(p, a, Map.of("a", Map.of("b", List.of("v")), "owner", Map.of("x", "v"), "k", "v"));

    assertThat(filtered(p, new FilterCondition.Contains(key, "v"))).containsExactly(match);
    assertThat(filtered(p, new FilterCondition.Equals(key, "v"))).containsExactly(scalar);
    assertThat(filtered(p, new FilterCondition.In(key, List.of("v", "w")))).containsExactly(scalar);
    assertThat(filtered(p, new FilterCondition.NotEquals(key, "v"))).containsExactly(match, decoy);
  }

  /** For each operator: what the filter hides cannot be read, updated or deleted, and stays stored. */
  @ParameterizedTest
  @MethodSource("filtersPassingRedAndHidingBlue")
  void threadsFindUpdateDeleteWhenOperatorHidesThreadThenNotFoundAndIntact(FilterCondition condition) {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread red = thread(p, a, Map.of("team", "red", "tags", List.of("red", "x"), "level", 2));
    AgentThread blue = thread(p, a, Map.of("team", "blue", "tags", List.of("blue", "x"), "level", "2"));
    Scope scope = new Scope(p.id(), filter(condition));

    assertThat(store.threads().find(scope, blue.id())).isEmpty();
    assertThat(store.threads().updateMetadata(scope, blue.id(), Map.of("team", "red"))).isEmpty();
    assertThat(store.threads().delete(scope, blue.id())).isFalse();
    assertThat(store.threads().find(Scope.project(p.id()), blue.id())).contains(blue);

    assertThat(store.threads().search(scope, ThreadQuery.ALL, PageRequest.first(10)).data()).containsExactly(red);
    assertThat(store.threads().find(scope, red.id())).contains(red);
    assertThat(store.threads().updateMetadata(scope, red.id(), red.metadata())).isPresent();
    assertThat(store.threads().delete(scope, red.id())).isTrue();
    assertThat(store.threads().find(Scope.project(p.id()), red.id())).isEmpty();
  }

  static List<FilterCondition> filtersPassingRedAndHidingBlue() {
    return List.of(new FilterCondition.Equals("team", "red"), new FilterCondition.Equals("level", 2),
        new FilterCondition.NotEquals("team", "blue"), new FilterCondition.NotEquals("level", "2"),
        new FilterCondition.In("team", List.of("red", "green")), new FilterCondition.In("level", List.of(2, 3)),
        new FilterCondition.Contains("tags", "red"));
  }

  /** Agents share the scope's SQL: every operator applies to them too. */
  @Test
  void agentsListWhenFilterUsesEveryOperatorThenOnlyMatchingAgents() {
    Project p = store.projects().create("acme");
    Agent red = store.agents().create(p.id(), new NewAgent("red", "echo", Optional.empty(),
        Map.of("team", "red", "tags", List.of("x"))));
    Agent blue = store.agents().create(p.id(), new NewAgent("blue", "echo", Optional.empty(),
        Map.of("team", "blue", "tags", List.of("y"))));
    Scope scope = new Scope(p.id(), filter(new FilterCondition.NotEquals("team", "green"),
        new FilterCondition.In("team", List.of("red", "blue")), new FilterCondition.Contains("tags", "x")));

    assertThat(store.agents().list(scope, PageRequest.first(10)).data()).containsExactly(red);
    assertThat(store.agents().find(scope, blue.id())).isEmpty();
    assertThat(store.agents().delete(scope, blue.id())).isFalse();
  }

  // ---------------------------------------------------------------- id restrictions (client tokens)

  /** Two agents' threads in one project, created interleaved, and a thread of another project. */
  private record Reach(Project p, Agent a, Agent b, AgentThread a1, AgentThread b1, AgentThread a2,
      AgentThread b2, AgentThread foreign) {}

  private Reach reach() {
    Project p = store.projects().create("acme");
    Project other = store.projects().create("other");
    Agent a = agent(p);
    Agent b = agent(p);
    AgentThread a1 = thread(p, a, Map.of("team", "red"));
    AgentThread b1 = thread(p, b, Map.of("team", "red"));
    AgentThread a2 = thread(p, a, Map.of("team", "blue"));
    AgentThread b2 = thread(p, b, Map.of("team", "blue"));
    AgentThread foreign = thread(other, agent(other), Map.of("team", "red"));
    return new Reach(p, a, b, a1, b1, a2, b2, foreign);
  }

  private static Scope restricted(Project p, IdRestriction... restrictions) {
    return new Scope(p.id(), new ResourceFilter(List.of(), List.of(restrictions)));
  }

  private List<AgentThread> searchAll(Scope scope) {
    Page<AgentThread> page = store.threads().search(scope, ThreadQuery.ALL, PageRequest.first(50));
    assertThat(page.nextCursor()).isEmpty();
    return page.data();
  }

  @Test
  void threadsWhenIdRestrictionGrantsAnAgentAndAThreadThenThoseThreadsPassAndNoOthers() {
    Reach r = reach();
    Scope scope = restricted(r.p(), new IdRestriction(Set.of(r.b1().id()), Set.of(r.a().id())));

    assertThat(searchAll(scope)).containsExactly(r.a1(), r.b1(), r.a2());
    assertThat(store.threads().find(scope, r.a1().id())).contains(r.a1());
    assertThat(store.threads().find(scope, r.b1().id())).contains(r.b1());
    assertThat(store.threads().find(scope, r.b2().id())).isEmpty();
    assertThat(store.threads().search(scope, new ThreadQuery(Optional.of(r.b().id()), Map.of()),
        PageRequest.first(10)).data()).containsExactly(r.b1());
  }

  @Test
  void threadsUpdateDeleteWhenIdRestrictionExcludesThreadThenNotFoundAndIntact() {
    Reach r = reach();
    Scope scope = restricted(r.p(), new IdRestriction(Set.of(r.b1().id()), Set.of(r.a().id())));

    assertThat(store.threads().updateMetadata(scope, r.b2().id(), Map.of("taken", true))).isEmpty();
    assertThat(store.threads().delete(scope, r.b2().id())).isFalse();
    assertThat(store.threads().find(Scope.project(r.p().id()), r.b2().id())).contains(r.b2());

    assertThat(store.threads().updateMetadata(scope, r.a2().id(), Map.of("n", 1))).get()
        .extracting(AgentThread::metadata).isEqualTo(Map.of("n", 1));
    assertThat(store.threads().updateMetadata(scope, r.b1().id(), Map.of("n", 2))).isPresent();
    assertThat(store.threads().delete(scope, r.b1().id())).isTrue();
    assertThat(store.threads().delete(scope, r.a1().id())).isTrue();
    assertThat(searchAll(Scope.project(r.p().id()))).extracting(AgentThread::id)
        .containsExactly(r.a2().id(), r.b2().id());
  }

  @Test
  void threadsWhenIdRestrictionNamesAnotherProjectsThreadOrAgentThenStillNotFound() {
    Reach r = reach();
    Scope scope = restricted(r.p(), new IdRestriction(Set.of(r.foreign().id()), Set.of(r.foreign().agentId())));

    assertThat(store.threads().find(scope, r.foreign().id())).isEmpty();
    assertThat(store.threads().updateMetadata(scope, r.foreign().id(), Map.of())).isEmpty();
    assertThat(store.threads().delete(scope, r.foreign().id())).isFalse();
    assertThat(searchAll(scope)).isEmpty();
  }

  /** Guards the empty case: {@code IN ()} is no SQL, and dropping the restriction would show everything. */
  @Test
  void threadsWhenIdRestrictionIsEmptyThenNothingPasses() {
    Reach r = reach();
    Scope nothing = restricted(r.p(), new IdRestriction(Set.of(), Set.of()));

    assertThat(searchAll(nothing)).isEmpty();
    assertThat(store.threads().find(nothing, r.a1().id())).isEmpty();
    assertThat(store.threads().updateMetadata(nothing, r.a1().id(), Map.of())).isEmpty();
    assertThat(store.threads().delete(nothing, r.a1().id())).isFalse();
    assertThat(store.threads().find(Scope.project(r.p().id()), r.a1().id())).contains(r.a1());
  }

  @Test
  void threadsWhenIdRestrictionHasOnlyThreadIdsOrOnlyAgentIdsThenThatSideAlone() {
    Reach r = reach();

    assertThat(searchAll(restricted(r.p(), new IdRestriction(Set.of(r.a1().id(), r.b2().id()), Set.of()))))
        .containsExactly(r.a1(), r.b2());
    assertThat(searchAll(restricted(r.p(), new IdRestriction(Set.of(), Set.of(r.b().id())))))
        .containsExactly(r.b1(), r.b2());
  }

  @Test
  void threadsWhenTwoIdRestrictionsThenBothMustHold() {
    Reach r = reach();
    Scope scope = restricted(r.p(), new IdRestriction(Set.of(r.b1().id()), Set.of(r.a().id())),
        new IdRestriction(Set.of(r.b1().id(), r.b2().id()), Set.of()));

    assertThat(searchAll(scope)).containsExactly(r.b1());
    assertThat(store.threads().find(scope, r.a1().id())).isEmpty();
    assertThat(store.threads().find(scope, r.b2().id())).isEmpty();
    assertThat(store.threads().delete(scope, r.b2().id())).isFalse();
    assertThat(store.threads().find(scope, r.b1().id())).contains(r.b1());
  }

  @Test
  void threadsWhenIdRestrictionAndMetadataConditionThenBothMustHold() {
    Reach r = reach();
    Scope scope = new Scope(r.p().id(), new ResourceFilter(List.of(new FilterCondition.Equals("team", "red")),
        List.of(new IdRestriction(Set.of(r.b2().id()), Set.of(r.a().id())))));

    assertThat(searchAll(scope)).containsExactly(r.a1());
    assertThat(store.threads().find(scope, r.a2().id())).isEmpty();
    assertThat(store.threads().find(scope, r.b2().id())).isEmpty();
    assertThat(store.threads().find(scope, r.b1().id())).isEmpty();
    assertThat(store.threads().updateMetadata(scope, r.b2().id(), Map.of("team", "red"))).isEmpty();
    assertThat(store.threads().search(scope, metadata(Map.of("team", "blue")), PageRequest.first(10)).data())
        .isEmpty();
    assertThat(store.threads().find(scope, r.a1().id())).contains(r.a1());
  }

  /** Guards that ids are bound, not spliced into the SQL. */
  @Test
  void threadsWhenIdRestrictionHoldsSqlThenItIsAValueThatMatchesNothing() {
    Reach r = reach();
    Scope scope = restricted(r.p(), new IdRestriction(Set.of("x') OR ('1' = '1", "x' OR '1' = '1"),
        Set.of("x') OR 1 = 1 --")));

    assertThat(searchAll(scope)).isEmpty();
    assertThat(store.threads().find(scope, r.a1().id())).isEmpty();
  }

  /** Guards that the restriction is applied in the query: filtering after the LIMIT would leave pages short. */
  @Test
  void threadsSearchWhenIdRestrictionExcludesEveryOtherThreadThenPagesStillFull() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    Agent b = agent(p);
    List<AgentThread> granted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      thread(p, b, Map.of());
      granted.add(thread(p, a, Map.of()));
    }
    Scope scope = restricted(p, new IdRestriction(Set.of(), Set.of(a.id())));

    assertPagesOfTwoTwoOne(granted, page -> store.threads().search(scope, ThreadQuery.ALL, page));
  }

  @Test
  void agentsWhenIdRestrictionGrantsSomeAgentsThenOnlyThoseFoundListedUpdatedDeleted() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    Agent b = agent(p);
    Agent c = agent(p);
    Scope scope = restricted(p, new IdRestriction(Set.of(a.id(), c.id()), Set.of()));

    assertThat(store.agents().list(scope, PageRequest.first(10)).data()).containsExactly(a, c);
    assertThat(store.agents().find(scope, a.id())).contains(a);
    assertThat(store.agents().find(scope, b.id())).isEmpty();
    assertThat(store.agents().update(scope, b.id(), renameTo("taken"))).isEmpty();
    assertThat(store.agents().delete(scope, b.id())).isFalse();
    assertThat(store.agents().find(Scope.project(p.id()), b.id())).contains(b);

    assertThat(store.agents().update(scope, a.id(), renameTo("renamed"))).get()
        .extracting(Agent::name).isEqualTo("renamed");
    assertThat(store.agents().delete(scope, c.id())).isTrue();
    assertThat(store.agents().list(Scope.project(p.id()), PageRequest.first(10)).data())
        .extracting(Agent::id).containsExactly(a.id(), b.id());
  }

  /**
   * Agents have no agent_id: a restriction's agent ids never widen what agents pass (and must not
   * reach the SQL, where the column would be unknown), so with no ids nothing passes.
   */
  @Test
  void agentsWhenIdRestrictionHasAgentIdsThenOnlyItsIdsCount() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    Agent b = agent(p);

    Scope byAgentIdOnly = restricted(p, new IdRestriction(Set.of(), Set.of(a.id(), b.id())));
    assertThat(store.agents().list(byAgentIdOnly, PageRequest.first(10)).data()).isEmpty();
    assertThat(store.agents().find(byAgentIdOnly, a.id())).isEmpty();
    assertThat(store.agents().delete(byAgentIdOnly, a.id())).isFalse();

    Scope both = restricted(p, new IdRestriction(Set.of(a.id()), Set.of(a.id(), b.id())));
    assertThat(store.agents().list(both, PageRequest.first(10)).data()).containsExactly(a);
    assertThat(store.agents().find(both, b.id())).isEmpty();
  }

  @Test
  void agentsWhenIdRestrictionIsEmptyOrTwoAreAndedOrMetadataConditionAddedThenAllMustHold() {
    Project p = store.projects().create("acme");
    Agent red = store.agents().create(p.id(), new NewAgent("red", "echo", Optional.empty(), Map.of("team", "red")));
    Agent blue = store.agents().create(p.id(), new NewAgent("blue", "echo", Optional.empty(), Map.of("team", "blue")));
    Agent green = store.agents().create(p.id(), new NewAgent("green", "echo", Optional.empty(), Map.of("team", "green")));
    IdRestriction redOrBlue = new IdRestriction(Set.of(red.id(), blue.id()), Set.of());

    assertThat(store.agents().list(restricted(p, new IdRestriction(Set.of(), Set.of())), PageRequest.first(10))
        .data()).isEmpty();
    assertThat(store.agents().list(restricted(p, redOrBlue, new IdRestriction(Set.of(blue.id(), green.id()),
        Set.of())), PageRequest.first(10)).data()).containsExactly(blue);
    Scope redOrBlueAndRed = new Scope(p.id(), new ResourceFilter(List.of(new FilterCondition.Equals("team", "red")),
        List.of(redOrBlue)));
    assertThat(store.agents().list(redOrBlueAndRed, PageRequest.first(10)).data()).containsExactly(red);
    assertThat(store.agents().find(redOrBlueAndRed, blue.id())).isEmpty();
    assertThat(store.agents().update(redOrBlueAndRed, blue.id(), renameTo("taken"))).isEmpty();
    assertThat(store.agents().find(Scope.project(p.id()), green.id())).contains(green);
  }

  // ---------------------------------------------------------------- pagination

  @Test
  void listWhenItemsFillExactlyOnePageThenNoNextCursor() {
    List<Project> created = List.of(store.projects().create("a"), store.projects().create("b"));

    Page<Project> page = store.projects().list(PageRequest.first(2));

    assertThat(page.data()).containsExactlyElementsOf(created);
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  void listWhenNothingStoredThenEmptyPageWithoutCursor() {
    Project p = store.projects().create("acme");

    Page<Agent> page = store.agents().list(Scope.project(p.id()), PageRequest.first(2));

    assertThat(page.data()).isEmpty();
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  void listWhenCursorIsPastTheLastItemThenEmptyPageWithoutCursor() {
    store.projects().create("a");

    Page<Project> page = store.projects().list(PageRequest.parse(Optional.of("2"),
        Optional.of(PageRequest.encodeCursor(Long.MAX_VALUE))));

    assertThat(page.data()).isEmpty();
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  void listWhenItemAfterCursorIsDeletedThenNextPageContinuesWithoutGap() {
    Project p = store.projects().create("acme");
    Scope scope = Scope.project(p.id());
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      agents.add(agent(p));
    }
    Page<Agent> first = store.agents().list(scope, PageRequest.first(2));

    store.agents().delete(scope, agents.get(2).id());
    Page<Agent> second = store.agents().list(scope, PageRequest.parse(Optional.of("2"), first.nextCursor()));

    assertThat(first.data()).containsExactly(agents.get(0), agents.get(1));
    assertThat(second.data()).containsExactly(agents.get(3));
    assertThat(second.nextCursor()).isEmpty();
  }

  // ---------------------------------------------------------------- messages

  @Test
  void messagesListWhenAppendedThenInAppendOrderEqualToReturned() {
    Project p = store.projects().create("acme");
    AgentThread t = thread(p, agent(p), Map.of());

    Message first = store.messages().append("msg_1", t.id(), Optional.empty(), "user", "Hello");
    clock.advance(Duration.ofMillis(1));
    Message second = store.messages().append("msg_2", t.id(), Optional.empty(), "assistant", "Hi, Alice.");

    assertThat(first).isEqualTo(new Message("msg_1", t.id(), Optional.empty(), "user", "Hello", START_MILLIS));
    assertThat(store.messages().list(t.id(), PageRequest.first(10)).data()).containsExactly(first, second);
  }

  @Test
  void messagesListWhenFiveAmongAnotherThreadsWithLimitTwoThenPagesOfTwoTwoOne() {
    List<Message> created = fiveMessagesInterleavedWithAnotherThreads();
    String t = created.getFirst().threadId();

    assertPagesOfTwoTwoOne(created, page -> store.messages().list(t, page));
  }

  @Test
  void messagesLatestWhenMoreThanMaxThenNewestMaxOldestFirst() {
    List<Message> created = fiveMessagesInterleavedWithAnotherThreads();
    String t = created.getFirst().threadId();

    assertThat(store.messages().latest(t, 3)).containsExactly(created.get(2), created.get(3), created.get(4));
  }

  @Test
  void messagesLatestWhenFewerThanMaxThenAllOldestFirst() {
    Project p = store.projects().create("acme");
    AgentThread t = thread(p, agent(p), Map.of());
    Message m0 = message(t, Optional.empty(), "m0");
    Message m1 = message(t, Optional.empty(), "m1");

    assertThat(store.messages().latest(t.id(), 10)).containsExactly(m0, m1);
  }

  @Test
  void messagesOfRunWhenSeveralRunsThenOnlyThatRunsOldestFirst() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    Run r1 = store.runs().create(t.id(), a.id());
    Run r2 = store.runs().create(t.id(), a.id());
    message(t, Optional.empty(), "before");
    Message in1 = message(t, Optional.of(r1.id()), "question");
    message(t, Optional.of(r2.id()), "other");
    Message out1 = message(t, Optional.of(r1.id()), "answer");

    assertThat(store.messages().ofRun(r1.id())).containsExactly(in1, out1);
  }

  // ---------------------------------------------------------------- runs still running

  @Test
  void runsRunningWhenSomeFinishedThenOnlyUnfinishedOldestFirst() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    Run first = store.runs().create(t.id(), a.id());
    Run done = store.runs().create(t.id(), a.id());
    Run last = store.runs().create(t.id(), a.id());
    store.runs().finish(done.id(), Run.Status.COMPLETED, Optional.empty());

    assertThat(store.runs().running()).extracting(Run::id).containsExactly(first.id(), last.id());
  }

  // ---------------------------------------------------------------- signing keys

  private static dev.portcullis.core.store.SigningKeyStore.StoredSigningKey signingKey(String kid, Instant at) {
    return new dev.portcullis.core.store.SigningKeyStore.StoredSigningKey(kid, "EdDSA", "{\"kid\":\"" + kid + "\"}",
        "jwe-of-" + kid, at, Optional.empty());
  }

  @Test
  void signingKeysInsertFirstWhenOneExistsThenRefused() {
    assertThat(store.signingKeys().insertFirst(signingKey("k1", START_MILLIS))).isTrue();
    assertThat(store.signingKeys().insertFirst(signingKey("k2", START_MILLIS))).isFalse();
    assertThat(store.signingKeys().all()).extracting(k -> k.kid()).containsExactly("k1");
  }

  @Test
  void signingKeysRotateToWhenCalledThenOthersRetiredAndNewOneSigns() {
    store.signingKeys().insertFirst(signingKey("k1", START_MILLIS));
    Instant later = START_MILLIS.plusSeconds(60);
    store.signingKeys().rotateTo(signingKey("k2", later));

    var keys = store.signingKeys().all();
    assertThat(keys).extracting(k -> k.kid()).containsExactly("k1", "k2");
    assertThat(keys.get(0).retiredAt()).contains(later);
    assertThat(keys.get(1).retiredAt()).isEmpty();
    assertThat(keys.get(1).privateJwe()).isEqualTo("jwe-of-k2");
  }

  // ---------------------------------------------------------------- token revocations

  @Test
  void revocationsAfterWhenSeveralStoredThenLaterOnesInOrder() {
    Project p = store.projects().create("acme");
    var first = store.revocations().revokeToken(p.id(), "jti_1", START_MILLIS);
    var second = store.revocations().revokeWorkspace(p.id(), "alice", START_MILLIS.plusSeconds(1));

    assertThat(second.seq()).isGreaterThan(first.seq());
    assertThat(store.revocations().after(0)).containsExactly(first, second);
    assertThat(store.revocations().after(first.seq())).containsExactly(second);
    assertThat(second.jti()).isEmpty();
    assertThat(second.workspaceId()).contains("alice");
  }

  @Test
  void revocationsWhenProjectDeletedThenGoneWithIt() {
    Project p = store.projects().create("acme");
    store.revocations().revokeToken(p.id(), "jti_1", START_MILLIS);
    store.projects().delete(p.id());

    assertThat(store.revocations().after(0)).isEmpty();
  }

  // ---------------------------------------------------------------- audit log

  private static AuditEvent auditEvent(Optional<String> projectId, String action, int second) {
    return new AuditEvent(START_MILLIS.plusSeconds(second), projectId, "server:key_1", action, "api_keys/key_" + second,
        AuditEvent.Outcome.ALLOW, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("req_" + second));
  }

  @Test
  void auditAppendWhenSeveralThenIdsIncreaseAndListedOldestFirstAsGiven() {
    AuditEvent denied = new AuditEvent(START_MILLIS, Optional.of("prj_a"), "workspace:alice credential=jti_1",
        "authz.denied", "threads/thr_1", AuditEvent.Outcome.DENY, Optional.of("owner-only"),
        Optional.of("forbidden"), Optional.of("User lacks the required permissions."), Optional.of("req_1"));
    AuditEvent failed = new AuditEvent(START_MILLIS.plusSeconds(1), Optional.empty(), "pc_sk_AbCd", "authn.failed",
        "credential", AuditEvent.Outcome.FAILED, Optional.empty(), Optional.of("invalid_token"),
        Optional.of("The credential is not recognised."), Optional.empty());

    long first = store.audit().append(denied);
    long second = store.audit().append(failed);

    assertThat(second).isGreaterThan(first);
    assertThat(store.audit().list(Optional.empty(), PageRequest.first(10)).data())
        .containsExactly(new AuditStore.Recorded(first, denied), new AuditStore.Recorded(second, failed));
  }

  @Test
  void auditListWhenFiveEventsThenPagesOfTwoTwoOneByCursor() {
    List<AuditStore.Recorded> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      AuditEvent e = auditEvent(Optional.of("prj_a"), "api_key.created", i);
      all.add(new AuditStore.Recorded(store.audit().append(e), e));
    }

    assertPagesOfTwoTwoOne(all, page -> store.audit().list(Optional.empty(), page));
    assertPagesOfTwoTwoOne(all, page -> store.audit().list(Optional.of("prj_a"), page));
  }

  @Test
  void auditListWhenAfterAnIdThenOnlyLaterEventsUpToLimit() {
    long first = store.audit().append(auditEvent(Optional.of("prj_a"), "api_key.created", 0));
    long second = store.audit().append(auditEvent(Optional.of("prj_a"), "api_key.revoked", 1));
    long third = store.audit().append(auditEvent(Optional.of("prj_a"), "auth_rule.created", 2));

    Page<AuditStore.Recorded> page = store.audit().list(Optional.empty(), new PageRequest(1, first));

    assertThat(page.data()).extracting(AuditStore.Recorded::id).containsExactly(second);
    assertThat(page.nextCursor()).contains(PageRequest.encodeCursor(second));
    assertThat(store.audit().list(Optional.empty(), new PageRequest(10, third)).data()).isEmpty();
  }

  @Test
  void auditListWhenProjectGivenThenOnlyThatProjectsEventsAndNoneWithoutProject() {
    long a = store.audit().append(auditEvent(Optional.of("prj_a"), "api_key.created", 0));
    store.audit().append(auditEvent(Optional.of("prj_b"), "api_key.created", 1));
    long none = store.audit().append(auditEvent(Optional.empty(), "authn.failed", 2));

    assertThat(store.audit().list(Optional.of("prj_a"), PageRequest.first(10)).data())
        .extracting(AuditStore.Recorded::id).containsExactly(a);
    assertThat(store.audit().list(Optional.of("prj_c"), PageRequest.first(10)).data()).isEmpty();
    assertThat(store.audit().list(Optional.empty(), PageRequest.first(10)).data())
        .extracting(AuditStore.Recorded::id).hasSize(3).contains(a, none);
  }

  @Test
  void auditAppendWhenOptionalFieldsEmptyThenStoredEmptyNotFilledIn() {
    AuditEvent bare = new AuditEvent(START_MILLIS, Optional.empty(), "admin:admin", "signing_key.rotated",
        "signing_keys/k1", AuditEvent.Outcome.ALLOW, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());

    store.audit().append(bare);

    assertThat(store.audit().list(Optional.empty(), PageRequest.first(10)).data())
        .extracting(AuditStore.Recorded::event).containsExactly(bare);
  }

  @Test
  void auditEventsWhenProjectDeletedThenKept() {
    Project p = store.projects().create("acme");
    store.audit().append(auditEvent(Optional.of(p.id()), "project.created", 0));
    store.projects().delete(p.id());

    assertThat(store.audit().list(Optional.of(p.id()), PageRequest.first(10)).data()).hasSize(1);
  }

  // ---------------------------------------------------------------- auth rules

  private static dev.portcullis.core.authrule.AuthRule rule(Project p, String id, String issuer) {
    return new dev.portcullis.core.authrule.AuthRule(id, p.id(), "clerk", issuer,
        java.net.URI.create("https://idp.example/jwks"), "portcullis", "{org_id}:{sub}",
        List.of("RS256", "ES256"), START_MILLIS);
  }

  @Test
  void authRulesWhenInsertedThenListedByProjectAndFoundByIssuerAcrossProjects() {
    Project a = store.projects().create("a");
    Project b = store.projects().create("b");
    var ruleA = rule(a, "rul_a", "https://idp.example");
    var ruleB = rule(b, "rul_b", "https://idp.example");
    var other = rule(a, "rul_c", "https://other.example");
    store.authRules().insert(ruleA);
    store.authRules().insert(ruleB);
    store.authRules().insert(other);

    assertThat(store.authRules().list(a.id(), PageRequest.first(10)).data()).containsExactly(ruleA, other);
    assertThat(store.authRules().ofProject(b.id())).containsExactly(ruleB);
    assertThat(store.authRules().byIssuer("https://idp.example")).containsExactly(ruleA, ruleB);
  }

  @Test
  void authRulesDeleteWhenOtherProjectsRuleThenFalseAndKept() {
    Project a = store.projects().create("a");
    Project b = store.projects().create("b");
    store.authRules().insert(rule(a, "rul_a", "https://idp.example"));

    assertThat(store.authRules().delete(b.id(), "rul_a")).isFalse();
    assertThat(store.authRules().delete(a.id(), "rul_a")).isTrue();
    assertThat(store.authRules().ofProject(a.id())).isEmpty();
  }

  // ---------------------------------------------------------------- runs

  @Test
  void runsFindWhenCreatedThenRunningAndEqualsCreated() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());

    Run run = store.runs().create(t.id(), a.id());

    assertThat(run).isEqualTo(new Run(run.id(), t.id(), a.id(), Run.Status.RUNNING, Optional.empty(), START_MILLIS,
        Optional.empty()));
    assertThat(run.id()).startsWith("run_");
    assertThat(store.runs().find(t.id(), run.id())).contains(run);
  }

  @Test
  void runsFindWhenThreadIdIsWrongThenEmpty() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    AgentThread other = thread(p, a, Map.of());
    Run run = store.runs().create(t.id(), a.id());

    assertThat(store.runs().find(other.id(), run.id())).isEmpty();
    assertThat(store.runs().find("thr_unknown", run.id())).isEmpty();
  }

  @Test
  void runsFinishWhenFailedThenStatusErrorAndCompletedAtSet() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    Run run = store.runs().create(t.id(), a.id());
    clock.advance(Duration.ofSeconds(2));

    Run finished = store.runs().finish(run.id(), Run.Status.FAILED, Optional.of("model timed out"));

    Run expected = new Run(run.id(), t.id(), a.id(), Run.Status.FAILED, Optional.of("model timed out"),
        run.createdAt(), Optional.of(run.createdAt().plusSeconds(2)));
    assertThat(finished).isEqualTo(expected);
    assertThat(store.runs().find(t.id(), run.id())).contains(expected);
  }

  @Test
  void runsFinishWhenCompletedThenNoError() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    Run run = store.runs().create(t.id(), a.id());

    Run finished = store.runs().finish(run.id(), Run.Status.COMPLETED, Optional.empty());

    assertThat(finished.status()).isEqualTo(Run.Status.COMPLETED);
    assertThat(finished.error()).isEmpty();
    assertThat(finished.completedAt()).contains(run.createdAt());
  }

  @Test
  void runsFinishWhenAlreadyFinishedThenUnchanged() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    Run run = store.runs().create(t.id(), a.id());
    Run completed = store.runs().finish(run.id(), Run.Status.COMPLETED, Optional.empty());
    clock.advance(Duration.ofSeconds(1));

    Run again = store.runs().finish(run.id(), Run.Status.FAILED, Optional.of("late failure"));

    assertThat(again).isEqualTo(completed);
    assertThat(store.runs().find(t.id(), run.id())).contains(completed);
  }

  @Test
  void runsAppendEventWhenSeveralRunsThenIdsStrictlyIncreasingAcrossThem() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    Run r1 = store.runs().create(t.id(), a.id());
    Run r2 = store.runs().create(t.id(), a.id());

    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Run run = i % 2 == 0 ? r1 : r2;
      RunEvent e = store.runs().appendEvent(run.id(), "message.delta", "{\"i\":" + i + "}");
      assertThat(e.runId()).isEqualTo(run.id());
      ids.add(e.id());
    }

    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(ids.getFirst()).isPositive();
  }

  @Test
  void runsEventsWhenAfterIdGivenThenOnlyLaterEventsOfThatRunInOrder() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    Run run = store.runs().create(t.id(), a.id());
    Run other = store.runs().create(t.id(), a.id());
    RunEvent created = store.runs().appendEvent(run.id(), "run.created", "{}");
    store.runs().appendEvent(other.id(), "run.created", "{}");
    RunEvent delta = store.runs().appendEvent(run.id(), "message.delta", "{\"text\":\"Hi\"}");
    store.runs().appendEvent(other.id(), "message.delta", "{}");
    RunEvent completed = store.runs().appendEvent(run.id(), "run.completed", "{\"status\":\"completed\"}");

    assertThat(store.runs().events(run.id(), 0)).containsExactly(created, delta, completed);
    assertThat(store.runs().events(run.id(), created.id())).containsExactly(delta, completed);
    assertThat(store.runs().events(run.id(), delta.id())).containsExactly(completed);
    assertThat(store.runs().events(run.id(), completed.id())).isEmpty();
  }

  @Test
  void runsThreadEventsWhenSeveralRunsAndThreadsThenEveryRunOfThatThreadAfterIdInOrder() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    AgentThread elsewhere = thread(p, a, Map.of());
    Run first = store.runs().create(t.id(), a.id());
    Run second = store.runs().create(t.id(), a.id());
    Run foreign = store.runs().create(elsewhere.id(), a.id());
    RunEvent e1 = store.runs().appendEvent(first.id(), "run.created", "{}");
    store.runs().appendEvent(foreign.id(), "run.created", "{}");
    RunEvent e2 = store.runs().appendEvent(second.id(), "run.created", "{}");
    RunEvent e3 = store.runs().appendEvent(first.id(), "run.completed", "{}");
    store.runs().appendEvent(foreign.id(), "run.completed", "{}");
    RunEvent e4 = store.runs().appendEvent(second.id(), "run.completed", "{}");

    assertThat(store.runs().threadEvents(t.id(), 0)).containsExactly(e1, e2, e3, e4);
    assertThat(store.runs().threadEvents(t.id(), e2.id())).containsExactly(e3, e4);
    assertThat(store.runs().threadEvents(t.id(), e4.id())).isEmpty();
    assertThat(store.runs().threadEvents("thr_missing", 0)).isEmpty();
  }

  @Test
  void runsLastEventIdWhenEventsOfSeveralThreadsThenHighestOfThatThreadElseZero() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    AgentThread other = thread(p, a, Map.of());
    assertThat(store.runs().lastEventId(t.id())).isZero();
    Run first = store.runs().create(t.id(), a.id());
    Run second = store.runs().create(t.id(), a.id());
    Run foreign = store.runs().create(other.id(), a.id());
    store.runs().appendEvent(first.id(), "run.created", "{}");
    RunEvent newest = store.runs().appendEvent(second.id(), "run.created", "{}");
    RunEvent foreignNewest = store.runs().appendEvent(foreign.id(), "run.created", "{}");

    assertThat(store.runs().lastEventId(t.id())).isEqualTo(newest.id());
    assertThat(store.runs().lastEventId(other.id())).isEqualTo(foreignNewest.id());
    assertThat(store.runs().lastEventId(thread(p, a, Map.of()).id())).isZero();
    assertThat(store.runs().lastEventId("thr_missing")).isZero();
  }

  /**
   * Guards the order in which a thread's events become visible. Readers poll for the ids above
   * the last one they saw (the thread's WebSocket subscribers, a stream resumed from
   * {@code Last-Event-ID}), so an event that becomes visible after a greater id of its thread
   * would be skipped for good. On PostgreSQL, runs of one thread appending at once in their own
   * transactions draw ids from one sequence and could commit in the other order.
   */
  @Test
  void runsThreadEventsWhenRunsOfOneThreadAppendAtOnceThenAPollingReaderSeesEveryEventOnceInIdOrder()
      throws Exception {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    int appenders = 8;
    int eventsEach = 150;
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger appending = new AtomicInteger(appenders);
    List<Callable<List<Long>>> appends = new ArrayList<>();
    for (int i = 0; i < appenders; i++) {
      appends.add(appender(store.runs().create(t.id(), a.id()), eventsEach, go, appending));
    }
    List<Long> seen = new ArrayList<>();
    List<Long> appended = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(appenders)) {
      List<Future<List<Long>>> results = appends.stream().map(pool::submit).toList();
      go.countDown();
      long cursor = 0;
      boolean finalRead = false;
      while (!finalRead) {
        // Checked before the read: once every appender has returned, this read sees all their events.
        finalRead = appending.get() == 0;
        for (RunEvent e : store.runs().threadEvents(t.id(), cursor)) {
          seen.add(e.id());
          cursor = e.id();
        }
      }
      for (Future<List<Long>> r : results) {
        appended.addAll(r.get());
      }
    }

    List<Long> expected = appended.stream().sorted().toList();
    assertThat(expected).hasSize(appenders * eventsEach);
    assertThat(expected.stream().filter(id -> !seen.contains(id)).toList()).as("ids the reader skipped").isEmpty();
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  /**
   * Guards where a new reader of a thread starts: {@code ThreadEventHub} starts it at
   * {@link dev.portcullis.core.store.RunStore#lastEventId}, so an event of the thread not yet
   * visible then must have a greater id, or the reader skips it. On PostgreSQL another thread's
   * event, committed first, may have a greater id than one of this thread still being appended.
   */
  @Test
  void runsLastEventIdWhenThisAndOtherThreadsAppendAtOnceThenNoEventOfTheThreadAtOrBelowItAppearsLater()
      throws Exception {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    AgentThread other = thread(p, a, Map.of());
    int appenders = 8;
    int eventsEach = 150;
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger appending = new AtomicInteger(appenders);
    List<Callable<List<Long>>> appends = new ArrayList<>();
    for (int i = 0; i < appenders; i++) {
      appends.add(appender(store.runs().create(i % 2 == 0 ? t.id() : other.id(), a.id()), eventsEach, go, appending));
    }
    /** A start, and how many of the thread's events the reader had seen by the read right after it. */
    record Start(long id, int seen) {}
    List<Long> seen = new ArrayList<>();
    List<Start> starts = new ArrayList<>();
    List<Long> appendedToT = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(appenders)) {
      List<Future<List<Long>>> results = appends.stream().map(pool::submit).toList();
      go.countDown();
      long cursor = 0;
      boolean finalRead = false;
      while (!finalRead) {
        finalRead = appending.get() == 0;
        long start = store.runs().lastEventId(t.id());
        for (RunEvent e : store.runs().threadEvents(t.id(), cursor)) {
          seen.add(e.id());
          cursor = e.id();
        }
        starts.add(new Start(start, seen.size()));
      }
      for (int i = 0; i < appenders; i += 2) {
        appendedToT.addAll(results.get(i).get());
      }
      for (int i = 1; i < appenders; i += 2) {
        results.get(i).get();
      }
    }

    List<Long> expected = appendedToT.stream().sorted().toList();
    assertThat(seen).containsExactlyElementsOf(expected);
    Set<Long> appearedLater = new TreeSet<>();
    for (Start start : starts) {
      expected.subList(start.seen(), expected.size()).stream().takeWhile(id -> id <= start.id())
          .forEach(appearedLater::add);
    }
    assertThat(appearedLater).as("ids at or below a start that were not yet visible").isEmpty();
  }

  /**
   * Appends {@code events} events to {@code run} once {@code go} opens, then counts
   * {@code appending} down; answers the ids it was given.
   */
  private Callable<List<Long>> appender(Run run, int events, CountDownLatch go, AtomicInteger appending) {
    return () -> {
      try {
        go.await();
        List<Long> ids = new ArrayList<>();
        for (int n = 0; n < events; n++) {
          ids.add(store.runs().appendEvent(run.id(), "message.delta", "{\"n\":" + n + "}").id());
        }
        return ids;
      } finally {
        appending.decrementAndGet();
      }
    };
  }

  // ---------------------------------------------------------------- fixtures

  /** One of everything in a project, to see what a delete takes with it. */
  private record Fixture(ApiKey key, Agent agent, AgentThread thread, Run run, Message message, RunEvent event) {}

  private Fixture fixture(Project p) {
    ApiKey key = apiKey(p, "hash-" + p.id());
    store.apiKeys().insert(key);
    Agent agent = agent(p);
    AgentThread thread = thread(p, agent, Map.of("user", "alice"));
    Run run = store.runs().create(thread.id(), agent.id());
    Message message = message(thread, Optional.of(run.id()), "Hello");
    RunEvent event = store.runs().appendEvent(run.id(), "run.created", "{}");
    return new Fixture(key, agent, thread, run, message, event);
  }

  private ApiKey apiKey(Project p, String hash) {
    return apiKey(p, hash, Optional.empty());
  }

  private ApiKey apiKey(Project p, String hash, Optional<Instant> expiresAt) {
    return new ApiKey(ResourceIds.next("key_"), p.id(), "ci", "pk_live_ab12", hash, START_MILLIS, expiresAt,
        Optional.empty(), Optional.empty());
  }

  /** A live-or-not token of {@code p} with a policy of one agent grant and one thread grant. */
  private ClientToken clientToken(Project p, String hash, Optional<String> hostname, Instant expiresAt) {
    return new ClientToken(ResourceIds.next("ctk_"), p.id(), hash, List.of(
        new ClientGrant(ClientGrant.Type.AGENT, "agt_1", Set.of(Access.READ_AGENT, Access.READ_MESSAGES)),
        new ClientGrant(ClientGrant.Type.THREAD, "thr_1", Set.of(Access.WRITE_MESSAGES))),
        hostname, expiresAt, START_MILLIS, Optional.empty());
  }

  private Agent agent(Project p) {
    return store.agents().create(p.id(), new NewAgent("helper", "echo", Optional.empty(), Map.of()));
  }

  private AgentThread thread(Project p, Agent a, Map<String, Object> metadata) {
    return store.threads().create(p.id(), a.id(), metadata);
  }

  /** Five messages m0..m4 of one thread, as stored, each followed by one of another thread's. */
  private List<Message> fiveMessagesInterleavedWithAnotherThreads() {
    Project p = store.projects().create("acme");
    Agent a = agent(p);
    AgentThread t = thread(p, a, Map.of());
    AgentThread other = thread(p, a, Map.of());
    List<Message> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(message(t, Optional.empty(), "m" + i));
      message(other, Optional.empty(), "o" + i);
    }
    return created;
  }

  private Message message(AgentThread t, Optional<String> runId, String content) {
    return store.messages().append(ResourceIds.next("msg_"), t.id(), runId, "user", content);
  }

  private List<AgentThread> search(Project p, ThreadQuery query) {
    Page<AgentThread> page = store.threads().search(Scope.project(p.id()), query, PageRequest.first(50));
    assertThat(page.nextCursor()).isEmpty();
    return page.data();
  }

  private List<AgentThread> filtered(Project p, FilterCondition... conditions) {
    Page<AgentThread> page = store.threads().search(new Scope(p.id(), filter(conditions)), ThreadQuery.ALL,
        PageRequest.first(50));
    assertThat(page.nextCursor()).isEmpty();
    return page.data();
  }

  private static ResourceFilter filter(FilterCondition... conditions) {
    return new ResourceFilter(List.of(conditions));
  }

  private static ThreadQuery metadata(Map<String, Object> equals) {
    return new ThreadQuery(Optional.empty(), equals);
  }

  private static AgentPatch renameTo(String name) {
    return new AgentPatch(Optional.of(name), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Walks {@code list} with limit 2 as a client would, passing each cursor back through
   * {@link PageRequest#parse}, and checks that five items come as pages of 2, 2 and 1, the
   * cursor present then absent, every item once and in order.
   */
  private static <T> void assertPagesOfTwoTwoOne(List<T> expected, Function<PageRequest, Page<T>> list) {
    assertThat(expected).hasSize(5);
    List<Page<T>> pages = new ArrayList<>();
    PageRequest request = PageRequest.parse(Optional.of("2"), Optional.empty());
    for (int i = 0; i < 4; i++) {
      Page<T> page = list.apply(request);
      pages.add(page);
      if (page.nextCursor().isEmpty()) {
        break;
      }
      request = PageRequest.parse(Optional.of("2"), page.nextCursor());
    }

    assertThat(pages).extracting(page -> page.data().size()).containsExactly(2, 2, 1);
    assertThat(pages).extracting(page -> page.nextCursor().isPresent()).containsExactly(true, true, false);
    assertThat(pages.stream().flatMap(page -> page.data().stream()).toList()).containsExactlyElementsOf(expected);
  }

  /** A clock that moves only when told; safe to read from several threads. */
  protected static final class ManualClock extends Clock {

    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the stores read instants only");
    }
  }
}

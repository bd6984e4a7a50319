package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.Project;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.Store;
import dev.portcullis.core.store.ThreadStore.ThreadQuery;
import dev.portcullis.store.internal.JdbcClientTokenStore;
import dev.portcullis.store.internal.JdbcThreadStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on embedded SQLite, one new database file per test. */
class SqliteStoreTest extends StoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected Store openStore(Clock clock) {
    return JdbcStore.sqlite(dataDir, clock);
  }

  /**
   * Guards migration V4: SQLite matches an expression index only against the same expression,
   * so the SQL for an owner filter must spell it as the index does. (On PostgreSQL the planner
   * prefers a sequential scan on a small table; bench/scale.sh checks it on a million threads.)
   */
  @Test
  void threadsSearchPlanWhenFilteredOnOwnerThenUsesOwnerIndex() {
    Project p = store.projects().create("acme");
    JdbcThreadStore threads = (JdbcThreadStore) store.threads();
    Scope owned = new Scope(p.id(), ResourceFilter.metadataEquals(Map.of("owner", "ws_1")));

    assertThat(threads.explainSearch(owned, ThreadQuery.ALL, PageRequest.first(20)))
        .anySatisfy(line -> assertThat(line).contains("USING INDEX threads_owner"));
    assertThat(threads.explainSearch(Scope.project(p.id()), new ThreadQuery(Optional.empty(), Map.of("owner", "ws_1")),
        PageRequest.first(20)))
        .anySatisfy(line -> assertThat(line).contains("USING INDEX threads_owner"));
  }

  /**
   * Guards migration V5: its indexes are partial, and SQLite uses a partial index only when the
   * query's WHERE implies the index's, so the statements must keep {@code revoked_at IS NULL}.
   */
  @Test
  void clientTokensPlansWhenListingLiveOrCheckingAnOriginThenUseTheLiveIndexes() {
    JdbcClientTokenStore tokens = (JdbcClientTokenStore) store.clientTokens();
    Instant now = Instant.parse("2026-03-01T12:00:00Z");

    assertThat(tokens.explainListLive("prj_1", now, PageRequest.first(20)))
        .anySatisfy(line -> assertThat(line).contains("USING INDEX client_tokens_project_live"));
    assertThat(tokens.explainAnyLiveWithHostname("https://app.example", now))
        .anySatisfy(line -> assertThat(line).contains("USING INDEX client_tokens_hostname_live"));
  }
}

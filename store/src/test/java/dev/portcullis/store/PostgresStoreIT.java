package dev.portcullis.store;

import dev.portcullis.core.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The storage contract on a real PostgreSQL ({@link TestPostgres}: {@code PORTCULLIS_TEST_PG}
 * or an embedded server). Each test gets a database of its own, dropped when the class is done.
 * A PostgreSQL that cannot be started or reached fails every test; nothing is skipped.
 */
class PostgresStoreIT extends StoreContract {

  private static final List<String> databases = new ArrayList<>();

  @AfterAll
  static void dropDatabases() {
    databases.forEach(TestPostgres.shared()::dropDatabase);
    databases.clear();
  }

  @Override
  protected Store openStore(Clock clock) {
    String url = TestPostgres.shared().newDatabase();
    databases.add(url);
    return JdbcStore.postgres(url, clock);
  }
}

package dev.portcullis.store;

import dev.portcullis.core.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on embedded SQLite, one new database file per test. */
class SqliteStoreTest extends StoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected Store openStore(Clock clock) {
    return JdbcStore.sqlite(dataDir, clock);
  }
}

package dev.portcullis.store;

import dev.portcullis.core.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage contract on a real PostgreSQL: the server named by {@code PORTCULLIS_TEST_PG}
 * (a {@code postgresql://} URL whose user may create databases) when set, otherwise an
 * embedded one started once for the class. Each test gets a database of its own, dropped
 * when the class is done. A PostgreSQL that cannot be started or reached fails every test;
 * nothing is skipped.
 */
class PostgresStoreIT extends StoreContract {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresStoreIT.class);
  private static final String SERVER_ENV = "PORTCULLIS_TEST_PG";

  private static Optional<EmbeddedPostgres> embedded = Optional.empty();
  private static Server server;
  private static final List<String> databases = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws IOException {
    String url = System.getenv(SERVER_ENV);
    if (url != null && !url.isBlank()) {
      server = Server.of(url);
      LOG.info("contract tests on the PostgreSQL of {}", SERVER_ENV);
      return;
    }
    long start = System.nanoTime();
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    embedded = Optional.of(pg);
    LOG.info("embedded PostgreSQL started in {} ms on port {}", (System.nanoTime() - start) / 1_000_000,
        pg.getPort());
    server = Server.of("postgresql://postgres@localhost:" + pg.getPort() + "/postgres");
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    try {
      for (String database : databases) {
        // FORCE: a pool's connections may still be closing on the server side.
        server.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
      databases.clear();
    } catch (SQLException e) {
      LOG.warn("could not drop the test databases: {}", e.toString());
    } finally {
      if (embedded.isPresent()) {
        embedded.get().close();
        embedded = Optional.empty();
      }
    }
  }

  @Override
  protected Store openStore(Clock clock) {
    String database = "t_" + UUID.randomUUID().toString().replace("-", "");
    try {
      server.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + database, e);
    }
    databases.add(database);
    return JdbcStore.postgres(server.url(database), clock);
  }

  /**
   * A PostgreSQL server: the parts of its URL around the database name, and the database to
   * connect to for CREATE and DROP DATABASE.
   */
  private record Server(String authority, String adminDatabase, String query) {

    static Server of(String url) {
      URI uri = URI.create(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new IllegalArgumentException(SERVER_ENV + " must be a postgresql:// URL");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
      return new Server(uri.getRawAuthority(), path.isEmpty() ? "postgres" : path,
          uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    String url(String database) {
      return "postgresql://" + authority + "/" + database + query;
    }

    void execute(String sql) throws SQLException {
      PostgresUrl admin = PostgresUrl.parse(url(adminDatabase));
      Properties props = new Properties();
      admin.user().ifPresent(u -> props.setProperty("user", u));
      admin.password().ifPresent(p -> props.setProperty("password", p));
      try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), props); Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }

    @Override
    public String toString() {
      return "Server[<redacted>]";
    }
  }
}

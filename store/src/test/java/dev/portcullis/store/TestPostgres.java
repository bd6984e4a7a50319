package dev.portcullis.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A real PostgreSQL for tests, one per test JVM: the server named by {@code PORTCULLIS_TEST_PG}
 * (a {@code postgresql://} URL whose user may create databases) when set, otherwise an embedded
 * one (zonky, binaries from Maven Central) started on first use and stopped when the JVM exits.
 * Each caller gets a fresh database of its own. A PostgreSQL that cannot be started fails the
 * test that asked for it: nothing is skipped.
 */
public final class TestPostgres {

  public static final String SERVER_ENV = "PORTCULLIS_TEST_PG";
  private static TestPostgres shared;

  private final String authority;
  private final String adminDatabase;
  private final String query;

  private TestPostgres(String url) {
    URI uri = URI.create(url);
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException(SERVER_ENV + " must be a postgresql:// URL");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
    this.authority = uri.getRawAuthority();
    this.adminDatabase = path.isEmpty() ? "postgres" : path;
    this.query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
  }

  /** The JVM's PostgreSQL, started on first call. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      String url = System.getenv(SERVER_ENV);
      if (url != null && !url.isBlank()) {
        shared = new TestPostgres(url);
      } else {
        try {
          EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              pg.close();
            } catch (IOException e) {
              // the JVM is exiting; the temporary cluster directory goes with it
            }
          }));
          shared = new TestPostgres("postgresql://postgres@localhost:" + pg.getPort() + "/postgres");
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start an embedded PostgreSQL", e);
        }
      }
    }
    return shared;
  }

  /** Creates an empty database and returns its {@code postgresql://} URL. */
  public String newDatabase() {
    String database = "t_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE DATABASE " + database);
    return url(database);
  }

  /** Drops a database made by {@link #newDatabase}, closing its remaining connections. */
  public void dropDatabase(String url) {
    String database = URI.create(url).getRawPath().substring(1);
    execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  private String url(String database) {
    return "postgresql://" + authority + "/" + database + query;
  }

  private void execute(String sql) {
    PostgresUrl admin = PostgresUrl.parse(url(adminDatabase));
    Properties props = new Properties();
    admin.user().ifPresent(u -> props.setProperty("user", u));
    admin.password().ifPresent(p -> props.setProperty("password", p));
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), props); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused: " + sql, e);
    }
  }

  @Override
  public String toString() {
    return "TestPostgres[<redacted>]";
  }
}

package dev.portcullis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portcullis.core.store.AgentStore;
import dev.portcullis.core.store.AuditStore;
import dev.portcullis.core.store.AuthRuleStore;
import dev.portcullis.core.store.ClientTokenStore;
import dev.portcullis.core.store.RevocationStore;
import dev.portcullis.core.store.WsTicketStore;
import dev.portcullis.core.store.SigningKeyStore;
import dev.portcullis.core.store.ApiKeyStore;
import dev.portcullis.core.store.MessageStore;
import dev.portcullis.core.store.ProjectStore;
import dev.portcullis.core.store.RunStore;
import dev.portcullis.core.store.Store;
import dev.portcullis.core.store.ThreadStore;
import dev.portcullis.store.internal.Database;
import dev.portcullis.store.internal.JdbcAgentStore;
import dev.portcullis.store.internal.JdbcAuditStore;
import dev.portcullis.store.internal.JdbcAuthRuleStore;
import dev.portcullis.store.internal.JdbcClientTokenStore;
import dev.portcullis.store.internal.JdbcRevocationStore;
import dev.portcullis.store.internal.JdbcWsTicketStore;
import dev.portcullis.store.internal.JdbcSigningKeyStore;
import dev.portcullis.store.internal.JdbcApiKeyStore;
import dev.portcullis.store.internal.JdbcMessageStore;
import dev.portcullis.store.internal.JdbcProjectStore;
import dev.portcullis.store.internal.JdbcRunStore;
import dev.portcullis.store.internal.JdbcThreadStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The {@link Store} on a JDBC database: SQLite embedded (WAL, foreign keys on, synchronous
 * commits) or PostgreSQL shared by several servers. Opening migrates the schema.
 */
public final class JdbcStore implements Store {

  private final HikariDataSource dataSource;
  private final Database db;
  private final ProjectStore projects;
  private final ApiKeyStore apiKeys;
  private final ClientTokenStore clientTokens;
  private final AgentStore agents;
  private final ThreadStore threads;
  private final MessageStore messages;
  private final RunStore runs;
  private final SigningKeyStore signingKeys;
  private final RevocationStore revocations;
  private final AuthRuleStore authRules;
  private final AuditStore audit;
  private final WsTicketStore wsTickets;

  private JdbcStore(HikariDataSource dataSource, Dialect dialect, Clock clock) {
    this.dataSource = dataSource;
    this.db = new Database(dataSource, dialect, clock);
    this.projects = new JdbcProjectStore(db);
    this.apiKeys = new JdbcApiKeyStore(db);
    this.clientTokens = new JdbcClientTokenStore(db);
    this.agents = new JdbcAgentStore(db);
    this.threads = new JdbcThreadStore(db);
    this.messages = new JdbcMessageStore(db);
    this.runs = new JdbcRunStore(db);
    this.signingKeys = new JdbcSigningKeyStore(db);
    this.revocations = new JdbcRevocationStore(db);
    this.authRules = new JdbcAuthRuleStore(db);
    this.audit = new JdbcAuditStore(db);
    this.wsTickets = new JdbcWsTicketStore(db);
  }

  /** Opens (creating if needed) {@code <dataDir>/portcullis.db} and migrates it. */
  public static JdbcStore sqlite(Path dataDir, Clock clock) {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve("portcullis.db").toAbsolutePath());
    config.addDataSourceProperty("journal_mode", "WAL");
    // FULL: a commit is on disk before it is acknowledged, so it survives a crash of the machine too.
    config.addDataSourceProperty("synchronous", "FULL");
    config.addDataSourceProperty("foreign_keys", "true");
    config.addDataSourceProperty("busy_timeout", "5000");
    // Writers take the lock at BEGIN, so concurrent writers wait instead of failing with SQLITE_BUSY.
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    config.setMaximumPoolSize(8);
    config.setPoolName("portcullis-sqlite");
    return open(config, Dialect.SQLITE, clock);
  }

  /**
   * Connects to PostgreSQL. {@code url} is {@code postgresql://user[:password]@host:port/db} or a
   * {@code jdbc:postgresql:} URL.
   */
  public static JdbcStore postgres(String url, Clock clock) {
    HikariConfig config = new HikariConfig();
    PostgresUrl parsed = PostgresUrl.parse(url);
    config.setJdbcUrl(parsed.jdbcUrl());
    parsed.user().ifPresent(config::setUsername);
    parsed.password().ifPresent(config::setPassword);
    config.setMaximumPoolSize(16);
    config.setPoolName("portcullis-postgres");
    return open(config, Dialect.POSTGRES, clock);
  }

  private static JdbcStore open(HikariConfig config, Dialect dialect, Clock clock) {
    HikariDataSource ds = new HikariDataSource(config);
    try {
      migrate(ds, dialect);
      return new JdbcStore(ds, dialect, clock);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  static void migrate(DataSource ds, Dialect dialect) {
    Flyway.configure().dataSource(ds).locations(dialect.migrations()).load().migrate();
  }

  @Override public ProjectStore projects() { return projects; }
  @Override public ApiKeyStore apiKeys() { return apiKeys; }
  @Override public ClientTokenStore clientTokens() { return clientTokens; }
  @Override public AgentStore agents() { return agents; }
  @Override public ThreadStore threads() { return threads; }
  @Override public MessageStore messages() { return messages; }
  @Override public RunStore runs() { return runs; }
  @Override public SigningKeyStore signingKeys() { return signingKeys; }
  @Override public RevocationStore revocations() { return revocations; }
  @Override public AuthRuleStore authRules() { return authRules; }
  @Override public AuditStore audit() { return audit; }
  @Override public WsTicketStore wsTickets() { return wsTickets; }

  @Override
  public boolean ping() {
    return db.ping();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}

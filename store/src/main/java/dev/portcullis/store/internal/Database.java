package dev.portcullis.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.view.JsonMappers;
import dev.portcullis.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin JDBC helper: parameterised statements only, one connection per call, and every
 * {@link SQLException} turned into an {@code unavailable} error whose cause goes to the log.
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, Object>>> LIST_OF_MAPS = new TypeReference<>() {};

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Clock clock;

  public Database(DataSource dataSource, Dialect dialect, Clock clock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.clock = clock;
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Instant now() {
    // Stored with millisecond precision; trimming here keeps returned values equal to re-read ones.
    return Instant.ofEpochMilli(clock.millis());
  }

  /** Work done by {@link #inTransaction}. */
  @FunctionalInterface
  public interface TransactionWork<T> {
    T run(Transaction tx);
  }

  /** Statements on the one connection of a transaction; valid only inside its {@link TransactionWork}. */
  public static final class Transaction {
    private final Connection connection;

    private Transaction(Connection connection) {
      this.connection = connection;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
      try {
        return Database.query(connection, sql, mapper, params);
      } catch (SQLException e) {
        throw failure(e);
      }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
      return first(query(sql, mapper, params));
    }
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    try (Connection c = dataSource.getConnection()) {
      return query(c, sql, mapper, params);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
    return first(query(sql, mapper, params));
  }

  /** @return the number of rows changed */
  public int update(String sql, Object... params) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * Runs {@code work} in one transaction on one connection: committed when it returns, rolled
   * back when it throws. Locks it takes are held until then.
   */
  public <T> T inTransaction(TransactionWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(new Transaction(c));
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The plan of {@code sql} with {@code params}, one line per row, without running it. */
  public List<String> explain(String sql, List<Object> params) {
    String explain = dialect == Dialect.POSTGRES ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
    String column = dialect == Dialect.POSTGRES ? "QUERY PLAN" : "detail";
    return query(explain + sql, rs -> rs.getString(column), params.toArray());
  }

  public boolean ping() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      LOG.warn("database ping failed: {}", e.toString());
      return false;
    }
  }

  /** The SQL for a JSON parameter: PostgreSQL needs a cast to jsonb. */
  public String jsonParam() {
    return dialect == Dialect.POSTGRES ? "?::jsonb" : "json(?)";
  }

  /**
   * The metadata keys that have an index of their own (migration V4, {@code threads_owner}). A
   * filter on one of them names the key as a constant of this class, spelled exactly as in the
   * index, because a planner matches an index expression only against the same expression, not
   * against one with a bound parameter. Every other key is bound.
   */
  private static final Map<String, String> INDEXED_SQLITE = Map.of("owner", "(metadata -> '$.owner')");
  private static final Map<String, String> INDEXED_POSTGRES = Map.of("owner", "(metadata -> 'owner')");

  /**
   * The SQL for the JSON value of {@code metadata[key]} ({@code NULL} when the key is absent),
   * adding to {@code params} what it binds. Two JSON values are equal when their SQL values are:
   * on SQLite the minified JSON texts, on PostgreSQL {@code jsonb} equality; either way the
   * string {@code "2"} differs from the number {@code 2} and {@code true} from {@code 1}.
   */
  public String metadataValue(String key, List<Object> params) {
    String indexed = (dialect == Dialect.POSTGRES ? INDEXED_POSTGRES : INDEXED_SQLITE).get(key);
    if (indexed != null) {
      return indexed;
    }
    params.add(metadataKey(key));
    return "(metadata -> ?)";
  }

  /** The key argument of a bound metadata path for {@code key}. */
  public String metadataKey(String key) {
    // SQLite reads the key as a quoted label of a JSON path, which takes JSON string escapes:
    // a quote or backslash in the key must be escaped or the path breaks or names another key.
    return dialect == Dialect.POSTGRES ? key : "$." + toJson(key);
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw PortcullisException.invalidRequest("metadata must be JSON.");
    }
  }

  public static Map<String, Object> mapFromJson(String json) {
    try {
      return JSON.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored metadata is not JSON", e);
    }
  }

  /** A stored JSON array of objects, such as a client token's policy. */
  public static List<Map<String, Object>> listOfMapsFromJson(String json) {
    try {
      return JSON.readValue(json, LIST_OF_MAPS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not an array of objects", e);
    }
  }

  public static Optional<Instant> optionalTime(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  public static Instant time(ResultSet rs, String column) throws SQLException {
    return Instant.ofEpochMilli(rs.getLong(column));
  }

  public static Long millis(Optional<Instant> t) {
    return t.map(Instant::toEpochMilli).orElse(null);
  }

  private static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object[] params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
      return rows;
    }
  }

  private static <T> Optional<T> first(List<T> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  private static PreparedStatement prepare(Connection c, String sql, Object[] params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (p instanceof Instant t) {
        ps.setLong(i + 1, t.toEpochMilli());
      } else {
        ps.setObject(i + 1, p);
      }
    }
    return ps;
  }

  private static PortcullisException failure(SQLException e) {
    // Integrity constraints (SQL state class 23; SQLite reports its own code 19) mean the
    // request clashed with stored data, not that the database is down.
    boolean constraint = (e.getSQLState() != null && e.getSQLState().startsWith("23")) || e.getErrorCode() == 19;
    if (constraint) {
      LOG.info("write refused by a constraint: {}", e.getMessage());
      return new PortcullisException(ErrorCode.CONFLICT, "The request conflicts with stored data.");
    }
    LOG.error("database call failed", e);
    return new PortcullisException(ErrorCode.UNAVAILABLE, "The database is unavailable.");
  }
}

package dev.portcullis.store.internal;

import dev.portcullis.core.clienttoken.ClientGrant;
import dev.portcullis.core.clienttoken.ClientToken;
import dev.portcullis.core.store.ClientTokenStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Client-side tokens by hash (migration V5); revoked and expired tokens stay so that they can
 * be refused as such. The policy is a JSON array of {@code {type, id, access}} with wire names,
 * in the order given.
 */
public final class JdbcClientTokenStore implements ClientTokenStore {

  private static final Map<String, ClientGrant.Type> TYPES = byWireName(ClientGrant.Type.values(),
      ClientGrant.Type::wireName);
  private static final Map<String, ClientGrant.Access> ACCESSES = byWireName(ClientGrant.Access.values(),
      ClientGrant.Access::wireName);

  // "revoked_at IS NULL" is spelled as in the partial indexes of V5, so that the planner uses them.
  private static final String LIVE = "revoked_at IS NULL AND expires_at >= ?";

  private final Database db;

  public JdbcClientTokenStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(ClientToken t) {
    db.update("INSERT INTO client_tokens (id, project_id, hash, policy, hostname, expires_at, created_at, revoked_at) "
        + "VALUES (?, ?, ?, " + db.jsonParam() + ", ?, ?, ?, ?)", t.id(), t.projectId(), t.hash(),
        policyJson(t.policy()), t.hostname().orElse(null), t.expiresAt(), t.createdAt(),
        Database.millis(t.revokedAt()));
  }

  @Override
  public Optional<ClientToken> findByHash(String hash) {
    return db.queryOne("SELECT * FROM client_tokens WHERE hash = ?", JdbcClientTokenStore::map, hash);
  }

  @Override
  public Optional<ClientToken> find(String projectId, String id) {
    return db.queryOne("SELECT * FROM client_tokens WHERE project_id = ? AND id = ?", JdbcClientTokenStore::map,
        projectId, id);
  }

  @Override
  public Page<ClientToken> listLive(String projectId, Instant now, PageRequest page) {
    return Paging.page(db, listLiveSql(), JdbcClientTokenStore::map, page, List.of(projectId, liveUntil(now)));
  }

  @Override
  public boolean revoke(String projectId, String id, Instant at) {
    return db.update("UPDATE client_tokens SET revoked_at = ? WHERE project_id = ? AND id = ? AND revoked_at IS NULL",
        at, projectId, id) == 1;
  }

  @Override
  public boolean anyLiveWithHostname(String hostname, Instant now) {
    return db.queryOne(anyLiveWithHostnameSql(), rs -> true, hostname, liveUntil(now)).isPresent();
  }

  /**
   * The database's plan for the statement {@link #listLive} runs, one line per row of
   * {@code EXPLAIN QUERY PLAN} (SQLite) or {@code EXPLAIN} (PostgreSQL): for tests that check
   * an index is used. Nothing is read from the table.
   */
  public List<String> explainListLive(String projectId, Instant now, PageRequest page) {
    return db.explain(Paging.sql(listLiveSql()), Paging.params(List.of(projectId, liveUntil(now)), page));
  }

  /** The database's plan for the statement {@link #anyLiveWithHostname} runs, as {@link #explainListLive}. */
  public List<String> explainAnyLiveWithHostname(String hostname, Instant now) {
    return db.explain(anyLiveWithHostnameSql(), List.of(hostname, liveUntil(now)));
  }

  private static String listLiveSql() {
    return "SELECT * FROM client_tokens WHERE project_id = ? AND " + LIVE;
  }

  private static String anyLiveWithHostnameSql() {
    return "SELECT 1 FROM client_tokens WHERE hostname = ? AND " + LIVE + " LIMIT 1";
  }

  /**
   * The least stored {@code expires_at} (whole milliseconds) of a token live at {@code now}:
   * live means {@code now} is not after it ({@link ClientToken#expiredAt}), so a {@code now}
   * inside a millisecond already rules that millisecond out.
   */
  private static long liveUntil(Instant now) {
    long millis = now.toEpochMilli();
    return Instant.ofEpochMilli(millis).equals(now) ? millis : millis + 1;
  }

  private static String policyJson(List<ClientGrant> policy) {
    List<Map<String, Object>> grants = new ArrayList<>(policy.size());
    for (ClientGrant g : policy) {
      Map<String, Object> grant = new LinkedHashMap<>();
      grant.put("type", g.type().wireName());
      grant.put("id", g.id());
      // In the enum's order: the record's set has none, and stored text should not vary by run.
      grant.put("access", g.access().stream().sorted().map(ClientGrant.Access::wireName).toList());
      grants.add(grant);
    }
    return Database.toJson(grants);
  }

  private static List<ClientGrant> policy(String json) {
    List<ClientGrant> grants = new ArrayList<>();
    for (Map<String, Object> grant : Database.listOfMapsFromJson(json)) {
      Set<ClientGrant.Access> access = EnumSet.noneOf(ClientGrant.Access.class);
      if (!(grant.get("access") instanceof List<?> names)) {
        throw new IllegalStateException("stored client token grant has no access list");
      }
      for (Object name : names) {
        access.add(wireValue(ACCESSES, name, "access"));
      }
      if (!(grant.get("id") instanceof String id)) {
        throw new IllegalStateException("stored client token grant has no id");
      }
      grants.add(new ClientGrant(wireValue(TYPES, grant.get("type"), "type"), id, access));
    }
    return grants;
  }

  private static <E> E wireValue(Map<String, E> byName, Object name, String what) {
    E value = byName.get(name);
    if (value == null) {
      throw new IllegalStateException("stored client token grant has unknown " + what + " " + name);
    }
    return value;
  }

  private static <E> Map<String, E> byWireName(E[] values, Function<E, String> wireName) {
    return Arrays.stream(values).collect(Collectors.toUnmodifiableMap(wireName, v -> v));
  }

  private static ClientToken map(ResultSet rs) throws SQLException {
    return new ClientToken(rs.getString("id"), rs.getString("project_id"), rs.getString("hash"),
        policy(rs.getString("policy")), Optional.ofNullable(rs.getString("hostname")),
        Database.time(rs, "expires_at"), Database.time(rs, "created_at"), Database.optionalTime(rs, "revoked_at"));
  }
}

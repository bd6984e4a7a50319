package dev.portcullis.store.internal;

import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.AgentThread;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.ThreadStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Threads, every statement confined to a scope. */
public final class JdbcThreadStore implements ThreadStore {

  private final Database db;

  public JdbcThreadStore(Database db) {
    this.db = db;
  }

  @Override
  public AgentThread create(String projectId, String agentId, Map<String, Object> metadata) {
    Instant now = db.now();
    AgentThread t = new AgentThread(ResourceIds.next("thr_"), projectId, agentId, metadata, now, now);
    db.update("INSERT INTO threads (id, project_id, agent_id, metadata, created_at, updated_at) "
        + "VALUES (?, ?, ?, " + db.jsonParam() + ", ?, ?)", t.id(), projectId, agentId,
        Database.toJson(metadata), now, now);
    return t;
  }

  @Override
  public Optional<AgentThread> find(Scope scope, String id) {
    ScopeSql where = ScopeSql.threads(db, scope).andId(id);
    return db.queryOne("SELECT * FROM threads WHERE " + where.where(), JdbcThreadStore::map, where.paramsArray());
  }

  @Override
  public Page<AgentThread> search(Scope scope, ThreadQuery query, PageRequest page) {
    ScopeSql where = searchWhere(scope, query);
    return Paging.page(db, "SELECT * FROM threads WHERE " + where.where(), JdbcThreadStore::map, page, where.params());
  }

  /**
   * The database's plan for the statement {@link #search} runs with these arguments, one line
   * per row of {@code EXPLAIN QUERY PLAN} (SQLite) or {@code EXPLAIN} (PostgreSQL): for
   * benchmarks and tests that check an index is used. Nothing is read from the table.
   */
  public List<String> explainSearch(Scope scope, ThreadQuery query, PageRequest page) {
    ScopeSql where = searchWhere(scope, query);
    return db.explain(Paging.sql("SELECT * FROM threads WHERE " + where.where()), Paging.params(where.params(), page));
  }

  private ScopeSql searchWhere(Scope scope, ThreadQuery query) {
    ScopeSql scoped = ScopeSql.threads(db, scope);
    StringBuilder where = new StringBuilder(scoped.where());
    List<Object> params = new ArrayList<>(scoped.params());
    query.agentId().ifPresent(agentId -> {
      where.append(" AND agent_id = ?");
      params.add(agentId);
    });
    ScopeSql.appendMetadata(db, query.metadata(), where, params);
    return new ScopeSql(where.toString(), params);
  }

  @Override
  public Optional<AgentThread> updateMetadata(Scope scope, String id, Map<String, Object> metadata) {
    Optional<AgentThread> current = find(scope, id);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    Instant now = db.now();
    ScopeSql where = ScopeSql.threads(db, scope).andId(id);
    int changed = db.update("UPDATE threads SET metadata = " + db.jsonParam() + ", updated_at = ? WHERE "
        + where.where(), JdbcAgentStore.concat(new Object[] {Database.toJson(metadata), now}, where.paramsArray()));
    AgentThread t = current.get();
    return changed == 1
        ? Optional.of(new AgentThread(t.id(), t.projectId(), t.agentId(), metadata, t.createdAt(), now))
        : Optional.empty();
  }

  @Override
  public boolean delete(Scope scope, String id) {
    ScopeSql where = ScopeSql.threads(db, scope).andId(id);
    return db.update("DELETE FROM threads WHERE " + where.where(), where.paramsArray()) == 1;
  }

  private static AgentThread map(ResultSet rs) throws SQLException {
    return new AgentThread(rs.getString("id"), rs.getString("project_id"), rs.getString("agent_id"),
        Database.mapFromJson(rs.getString("metadata")), Database.time(rs, "created_at"),
        Database.time(rs, "updated_at"));
  }
}

package dev.portcullis.store.internal;

import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.Agent;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.AgentStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Agents, every statement confined to a scope. */
public final class JdbcAgentStore implements AgentStore {

  private final Database db;

  public JdbcAgentStore(Database db) {
    this.db = db;
  }

  @Override
  public Agent create(String projectId, NewAgent a) {
    Instant now = db.now();
    Agent agent = new Agent(ResourceIds.next("agt_"), projectId, a.name(), a.model(), a.system(),
        a.metadata(), now, now);
    db.update("INSERT INTO agents (id, project_id, name, model, system, metadata, created_at, updated_at) "
        + "VALUES (?, ?, ?, ?, ?, " + db.jsonParam() + ", ?, ?)", agent.id(), projectId, agent.name(),
        agent.model(), agent.system().orElse(null), Database.toJson(agent.metadata()), now, now);
    return agent;
  }

  @Override
  public Optional<Agent> find(Scope scope, String id) {
    ScopeSql where = ScopeSql.agents(db, scope).andId(id);
    return db.queryOne("SELECT * FROM agents WHERE " + where.where(), JdbcAgentStore::map, where.paramsArray());
  }

  @Override
  public Page<Agent> list(Scope scope, PageRequest page) {
    ScopeSql where = ScopeSql.agents(db, scope);
    return Paging.page(db, "SELECT * FROM agents WHERE " + where.where(), JdbcAgentStore::map, page, where.params());
  }

  @Override
  public Optional<Agent> update(Scope scope, String id, AgentPatch patch) {
    Optional<Agent> current = find(scope, id);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    Agent a = current.get();
    Instant now = db.now();
    Agent updated = new Agent(a.id(), a.projectId(), patch.name().orElse(a.name()),
        patch.model().orElse(a.model()), patch.system().or(a::system),
        patch.metadata().orElse(a.metadata()), a.createdAt(), now);
    ScopeSql where = ScopeSql.agents(db, scope).andId(id);
    Object[] params = concat(new Object[] {updated.name(), updated.model(), updated.system().orElse(null),
        Database.toJson(updated.metadata()), now}, where.paramsArray());
    int changed = db.update("UPDATE agents SET name = ?, model = ?, system = ?, metadata = "
        + db.jsonParam() + ", updated_at = ? WHERE " + where.where(), params);
    return changed == 1 ? Optional.of(updated) : Optional.empty();
  }

  @Override
  public boolean delete(Scope scope, String id) {
    ScopeSql where = ScopeSql.agents(db, scope).andId(id);
    return db.update("DELETE FROM agents WHERE " + where.where(), where.paramsArray()) == 1;
  }

  static Object[] concat(Object[] a, Object[] b) {
    Object[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static Agent map(ResultSet rs) throws SQLException {
    return new Agent(rs.getString("id"), rs.getString("project_id"), rs.getString("name"),
        rs.getString("model"), Optional.ofNullable(rs.getString("system")),
        Database.mapFromJson(rs.getString("metadata")), Database.time(rs, "created_at"),
        Database.time(rs, "updated_at"));
  }
}

package dev.portcullis.store.internal;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.store.AuthRuleStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/** Identity-provider rules; algorithms are stored comma-separated. */
public final class JdbcAuthRuleStore implements AuthRuleStore {

  private final Database db;

  public JdbcAuthRuleStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(AuthRule r) {
    db.update("INSERT INTO auth_rules (id, project_id, name, issuer, jwks_uri, audience, workspace_claim, algorithms, created_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", r.id(), r.projectId(), r.name(), r.issuer(), r.jwksUri().toString(),
        r.audience(), r.workspaceClaim(), String.join(",", r.algorithms()), r.createdAt());
  }

  @Override
  public Page<AuthRule> list(String projectId, PageRequest page) {
    return Paging.page(db, "SELECT * FROM auth_rules WHERE project_id = ?", JdbcAuthRuleStore::map, page,
        List.of(projectId));
  }

  @Override
  public boolean delete(String projectId, String id) {
    return db.update("DELETE FROM auth_rules WHERE project_id = ? AND id = ?", projectId, id) == 1;
  }

  @Override
  public List<AuthRule> byIssuer(String issuer) {
    return db.query("SELECT * FROM auth_rules WHERE issuer = ? ORDER BY seq", JdbcAuthRuleStore::map, issuer);
  }

  @Override
  public List<AuthRule> ofProject(String projectId) {
    return db.query("SELECT * FROM auth_rules WHERE project_id = ? ORDER BY seq", JdbcAuthRuleStore::map, projectId);
  }

  private static AuthRule map(ResultSet rs) throws SQLException {
    return new AuthRule(rs.getString("id"), rs.getString("project_id"), rs.getString("name"), rs.getString("issuer"),
        URI.create(rs.getString("jwks_uri")), rs.getString("audience"), rs.getString("workspace_claim"),
        Arrays.asList(rs.getString("algorithms").split(",")), Database.time(rs, "created_at"));
  }
}

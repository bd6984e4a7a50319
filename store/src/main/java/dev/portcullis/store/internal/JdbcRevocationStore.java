package dev.portcullis.store.internal;

import dev.portcullis.core.store.RevocationStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The append-only log of workspace-token revocations. */
public final class JdbcRevocationStore implements RevocationStore {

  private final Database db;

  public JdbcRevocationStore(Database db) {
    this.db = db;
  }

  @Override
  public Revocation revokeToken(String projectId, String jti, Instant at) {
    long seq = db.queryOne("INSERT INTO token_revocations (project_id, jti, revoked_at) VALUES (?, ?, ?) RETURNING seq",
        rs -> rs.getLong(1), projectId, jti, at).orElseThrow();
    return new Revocation(seq, projectId, Optional.of(jti), Optional.empty(), at);
  }

  @Override
  public Revocation revokeWorkspace(String projectId, String workspaceId, Instant at) {
    long seq = db.queryOne("INSERT INTO token_revocations (project_id, workspace_id, revoked_at) VALUES (?, ?, ?) RETURNING seq",
        rs -> rs.getLong(1), projectId, workspaceId, at).orElseThrow();
    return new Revocation(seq, projectId, Optional.empty(), Optional.of(workspaceId), at);
  }

  @Override
  public List<Revocation> after(long seq) {
    return db.query("SELECT * FROM token_revocations WHERE seq > ? ORDER BY seq", JdbcRevocationStore::map, seq);
  }

  private static Revocation map(ResultSet rs) throws SQLException {
    return new Revocation(rs.getLong("seq"), rs.getString("project_id"), Optional.ofNullable(rs.getString("jti")),
        Optional.ofNullable(rs.getString("workspace_id")), Database.time(rs, "revoked_at"));
  }
}

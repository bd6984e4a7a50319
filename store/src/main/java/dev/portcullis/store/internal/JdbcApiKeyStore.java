package dev.portcullis.store.internal;

import dev.portcullis.core.apikey.ApiKey;
import dev.portcullis.core.store.ApiKeyStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Server API keys by hash; revoked keys stay so that they can be refused as revoked. */
public final class JdbcApiKeyStore implements ApiKeyStore {

  private final Database db;

  public JdbcApiKeyStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(ApiKey k) {
    db.update("INSERT INTO api_keys (id, project_id, name, prefix, hash, created_at, expires_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?)", k.id(), k.projectId(), k.name(), k.prefix(), k.hash(),
        k.createdAt(), Database.millis(k.expiresAt()));
  }

  @Override
  public Optional<ApiKey> findByHash(String hash) {
    return db.queryOne("SELECT * FROM api_keys WHERE hash = ?", JdbcApiKeyStore::map, hash);
  }

  @Override
  public Page<ApiKey> list(String projectId, PageRequest page) {
    return Paging.page(db, "SELECT * FROM api_keys WHERE project_id = ? AND revoked_at IS NULL",
        JdbcApiKeyStore::map, page, List.of(projectId));
  }

  @Override
  public boolean revoke(String projectId, String keyId, Instant at) {
    return db.update("UPDATE api_keys SET revoked_at = ? WHERE project_id = ? AND id = ? AND revoked_at IS NULL",
        at, projectId, keyId) == 1;
  }

  @Override
  public void touch(String keyId, Instant at) {
    db.update("UPDATE api_keys SET last_used_at = ? WHERE id = ?", at, keyId);
  }

  private static ApiKey map(ResultSet rs) throws SQLException {
    return new ApiKey(rs.getString("id"), rs.getString("project_id"), rs.getString("name"),
        rs.getString("prefix"), rs.getString("hash"), Database.time(rs, "created_at"),
        Database.optionalTime(rs, "expires_at"), Database.optionalTime(rs, "last_used_at"),
        Database.optionalTime(rs, "revoked_at"));
  }
}

package dev.portcullis.store.internal;

import dev.portcullis.core.store.SigningKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Signing keys; the private part arrives and leaves encrypted. */
public final class JdbcSigningKeyStore implements SigningKeyStore {

  private final Database db;

  public JdbcSigningKeyStore(Database db) {
    this.db = db;
  }

  @Override
  public List<StoredSigningKey> all() {
    return db.query("SELECT * FROM signing_keys ORDER BY seq", JdbcSigningKeyStore::map);
  }

  @Override
  public void rotateTo(StoredSigningKey key) {
    insert(key);
    // Not one transaction: if this second statement is lost, two keys sign for a while and
    // both are published, which verifiers accept; the newest is used for signing.
    db.update("UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL AND kid <> ?",
        key.createdAt(), key.kid());
  }

  @Override
  public boolean insertFirst(StoredSigningKey key) {
    return db.update("INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwe, created_at) "
        + "SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM signing_keys)",
        key.kid(), key.algorithm(), key.publicJwk(), key.privateJwe(), key.createdAt()) == 1;
  }

  private void insert(StoredSigningKey key) {
    db.update("INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwe, created_at) VALUES (?, ?, ?, ?, ?)",
        key.kid(), key.algorithm(), key.publicJwk(), key.privateJwe(), key.createdAt());
  }

  private static StoredSigningKey map(ResultSet rs) throws SQLException {
    return new StoredSigningKey(rs.getString("kid"), rs.getString("algorithm"), rs.getString("public_jwk"),
        rs.getString("private_jwe"), Database.time(rs, "created_at"), Database.optionalTime(rs, "retired_at"));
  }
}

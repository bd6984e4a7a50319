package dev.portcullis.store.internal;

import dev.portcullis.core.store.WsTicketStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Single-use tickets by hash (migration V6). */
public final class JdbcWsTicketStore implements WsTicketStore {

  private final Database db;

  public JdbcWsTicketStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(StoredTicket t) {
    db.update("INSERT INTO ws_tickets (hash, project_id, principal, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        t.hash(), t.projectId().orElse(null), t.principal(), t.createdAt(), t.expiresAt());
  }

  @Override
  public Redemption redeem(String hash, Instant at) {
    // One statement, so that the row's update lock decides between concurrent redemptions on
    // PostgreSQL (the loser re-reads used_at and matches nothing) and SQLite's single writer does there.
    Optional<StoredTicket> used = db.queryOne(
        "UPDATE ws_tickets SET used_at = ? WHERE hash = ? AND used_at IS NULL RETURNING *",
        JdbcWsTicketStore::map, at, hash);
    if (used.isPresent()) {
      return new Redemption.Redeemed(used.get());
    }
    return db.queryOne("SELECT 1 FROM ws_tickets WHERE hash = ?", rs -> true, hash).isPresent()
        ? new Redemption.AlreadyUsed() : new Redemption.Unknown();
  }

  @Override
  public int deleteExpiredBefore(Instant before) {
    return db.update("DELETE FROM ws_tickets WHERE expires_at < ?", before);
  }

  private static StoredTicket map(ResultSet rs) throws SQLException {
    return new StoredTicket(rs.getString("hash"), Optional.ofNullable(rs.getString("project_id")),
        rs.getString("principal"), Database.time(rs, "created_at"), Database.time(rs, "expires_at"));
  }
}

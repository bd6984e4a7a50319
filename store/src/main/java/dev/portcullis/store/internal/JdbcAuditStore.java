package dev.portcullis.store.internal;

import dev.portcullis.core.audit.AuditEvent;
import dev.portcullis.core.store.AuditStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The audit log in {@code audit_events}, paged by {@code seq}, which is also the event's id. */
public final class JdbcAuditStore implements AuditStore {

  private static final String SELECT = "SELECT * FROM audit_events WHERE ";

  private final Database db;

  public JdbcAuditStore(Database db) {
    this.db = db;
  }

  @Override
  public long append(AuditEvent e) {
    return db.queryOne("INSERT INTO audit_events (at, project_id, actor, action, resource, decision, rule, code, reason,"
            + " request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq", rs -> rs.getLong(1),
        e.at(), e.projectId().orElse(null), e.actor(), e.action(), e.resource(), e.decision().wireName(),
        e.rule().orElse(null), e.code().orElse(null), e.reason().orElse(null), e.requestId().orElse(null))
        .orElseThrow();
  }

  @Override
  public Page<Recorded> list(Optional<String> projectId, PageRequest page) {
    return projectId
        .map(p -> Paging.page(db, SELECT + "project_id = ?", JdbcAuditStore::map, page, List.<Object>of(p)))
        .orElseGet(() -> Paging.page(db, SELECT + "1 = 1", JdbcAuditStore::map, page, List.of()));
  }

  private static Recorded map(ResultSet rs) throws SQLException {
    return new Recorded(rs.getLong("seq"), new AuditEvent(Database.time(rs, "at"),
        Optional.ofNullable(rs.getString("project_id")), rs.getString("actor"), rs.getString("action"),
        rs.getString("resource"), AuditEvent.Outcome.ofWireName(rs.getString("decision")),
        Optional.ofNullable(rs.getString("rule")), Optional.ofNullable(rs.getString("code")),
        Optional.ofNullable(rs.getString("reason")), Optional.ofNullable(rs.getString("request_id"))));
  }
}

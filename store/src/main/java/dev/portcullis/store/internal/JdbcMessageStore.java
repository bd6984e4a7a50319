package dev.portcullis.store.internal;

import dev.portcullis.core.domain.Message;
import dev.portcullis.core.store.MessageStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Messages of threads, in the order they were stored. */
public final class JdbcMessageStore implements MessageStore {

  private final Database db;

  public JdbcMessageStore(Database db) {
    this.db = db;
  }

  @Override
  public Message append(String id, String threadId, Optional<String> runId, String role, String content) {
    Message m = new Message(id, threadId, runId, role, content, db.now());
    db.update("INSERT INTO messages (id, thread_id, run_id, role, content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        m.id(), threadId, runId.orElse(null), role, content, m.createdAt());
    return m;
  }

  @Override
  public List<Message> ofRun(String runId) {
    return db.query("SELECT * FROM messages WHERE run_id = ? ORDER BY seq", JdbcMessageStore::map, runId);
  }

  @Override
  public Page<Message> list(String threadId, PageRequest page) {
    return Paging.page(db, "SELECT * FROM messages WHERE thread_id = ?", JdbcMessageStore::map, page,
        List.of(threadId));
  }

  @Override
  public List<Message> latest(String threadId, int max) {
    return db.query("SELECT * FROM (SELECT * FROM messages WHERE thread_id = ? ORDER BY seq DESC LIMIT ?) "
        + "newest ORDER BY seq", JdbcMessageStore::map, threadId, max);
  }

  private static Message map(ResultSet rs) throws SQLException {
    return new Message(rs.getString("id"), rs.getString("thread_id"),
        Optional.ofNullable(rs.getString("run_id")), rs.getString("role"), rs.getString("content"),
        Database.time(rs, "created_at"));
  }
}

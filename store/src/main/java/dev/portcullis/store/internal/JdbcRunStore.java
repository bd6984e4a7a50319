package dev.portcullis.store.internal;

import dev.portcullis.core.domain.Run;
import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.RunStore;
import dev.portcullis.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Runs and their append-only event log. */
public final class JdbcRunStore implements RunStore {

  /**
   * The first key of the transaction locks on threads. The two-key form keeps them apart from
   * one-key advisory locks such as Flyway's; threads whose ids hash alike merely share a lock.
   */
  private static final int THREAD_LOCKS = 0x72756e65;
  private static final String LOCK_THREAD_OF_RUN =
      "SELECT pg_advisory_xact_lock(" + THREAD_LOCKS + ", hashtext(thread_id)) FROM runs WHERE id = ?";

  private final Database db;

  public JdbcRunStore(Database db) {
    this.db = db;
  }

  @Override
  public Run create(String threadId, String agentId) {
    Run run = new Run(ResourceIds.next("run_"), threadId, agentId, Run.Status.RUNNING, Optional.empty(),
        db.now(), Optional.empty());
    db.update("INSERT INTO runs (id, thread_id, agent_id, status, created_at) VALUES (?, ?, ?, ?, ?)",
        run.id(), threadId, agentId, run.status().wireName(), run.createdAt());
    return run;
  }

  @Override
  public Optional<Run> find(String threadId, String runId) {
    return db.queryOne("SELECT * FROM runs WHERE thread_id = ? AND id = ?", JdbcRunStore::map, threadId, runId);
  }

  @Override
  public List<Run> running() {
    return db.query("SELECT * FROM runs WHERE status = ? ORDER BY seq", JdbcRunStore::map, Run.Status.RUNNING.wireName());
  }

  @Override
  public Run finish(String runId, Run.Status status, Optional<String> error) {
    Instant now = db.now();
    db.update("UPDATE runs SET status = ?, error = ?, completed_at = ? WHERE id = ? AND status = ?",
        status.wireName(), error.orElse(null), now, runId, Run.Status.RUNNING.wireName());
    return db.queryOne("SELECT * FROM runs WHERE id = ?", JdbcRunStore::map, runId)
        .orElseThrow(() -> new IllegalStateException("run " + runId + " vanished"));
  }

  @Override
  public RunEvent appendEvent(String runId, String event, String dataJson) {
    Instant now = db.now();
    long id = db.inTransaction(tx -> {
      // Readers follow a thread by asking for the ids above the last one they saw, so a thread's
      // events must become visible in id order. Ids come from one sequence, and on PostgreSQL two
      // runs of a thread appending at once could commit in the other order: a reader would see
      // the greater id first and pass over the smaller one for good. Holding the thread's lock
      // until commit, an appender draws its id only once the previous one has committed. SQLite
      // has one writer at a time, so there the order holds without it.
      if (db.dialect() == Dialect.POSTGRES) {
        tx.query(LOCK_THREAD_OF_RUN, rs -> true, runId);
      }
      return tx.queryOne("INSERT INTO run_events (run_id, event, data, created_at) VALUES (?, ?, ?, ?) RETURNING seq",
          rs -> rs.getLong(1), runId, event, dataJson, now).orElseThrow();
    });
    return new RunEvent(id, runId, event, dataJson);
  }

  @Override
  public List<RunEvent> events(String runId, long afterId) {
    return db.query("SELECT seq, run_id, event, data FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq",
        rs -> new RunEvent(rs.getLong("seq"), rs.getString("run_id"), rs.getString("event"), rs.getString("data")),
        runId, afterId);
  }

  @Override
  public List<RunEvent> threadEvents(String threadId, long afterId) {
    return db.query("SELECT e.seq, e.run_id, e.event, e.data FROM run_events e JOIN runs r ON r.id = e.run_id"
            + " WHERE r.thread_id = ? AND e.seq > ? ORDER BY e.seq",
        rs -> new RunEvent(rs.getLong("seq"), rs.getString("run_id"), rs.getString("event"), rs.getString("data")),
        threadId, afterId);
  }

  @Override
  public long lastEventId(String threadId) {
    return db.queryOne("SELECT COALESCE(MAX(e.seq), 0) FROM run_events e JOIN runs r ON r.id = e.run_id"
        + " WHERE r.thread_id = ?", rs -> rs.getLong(1), threadId).orElse(0L);
  }

  private static Run map(ResultSet rs) throws SQLException {
    return new Run(rs.getString("id"), rs.getString("thread_id"), rs.getString("agent_id"),
        Run.Status.fromWire(rs.getString("status")), Optional.ofNullable(rs.getString("error")),
        Database.time(rs, "created_at"), Database.optionalTime(rs, "completed_at"));
  }
}

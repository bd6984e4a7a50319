package dev.portcullis.core.store;

import dev.portcullis.core.domain.Run;
import dev.portcullis.core.domain.RunEvent;
import java.util.List;
import java.util.Optional;

/**
 * Runs and their events. Callers have already found the thread in their scope; these
 * methods take its id as proof.
 */
public interface RunStore {

  Run create(String threadId, String agentId);

  Optional<Run> find(String threadId, String runId);

  /** Runs that have not finished, oldest first. */
  List<Run> running();

  /** Ends a running run. */
  Run finish(String runId, Run.Status status, Optional<String> error);

  /**
   * Appends an event; its id is greater than every id stored before. The events of a thread
   * become visible in id order, even when several of its runs append at once: a reader that asks
   * for the ids above the last one it saw misses none.
   */
  RunEvent appendEvent(String runId, String event, String dataJson);

  /** The run's events with an id greater than {@code afterId}, in order. */
  List<RunEvent> events(String runId, long afterId);

  /**
   * The events of every run of the thread with an id greater than {@code afterId}, in id order:
   * what a WebSocket subscription to the thread delivers (API.md section 8).
   */
  List<RunEvent> threadEvents(String threadId, long afterId);

  /**
   * The highest id of the thread's events stored so far, or 0 when it has none: every event of
   * the thread not yet visible has a greater id, so a reader of the thread that starts here
   * misses none of them. (The highest id of all threads would not do: on PostgreSQL another
   * thread's event may commit with a greater id while one of this thread is being appended.)
   */
  long lastEventId(String threadId);
}

package dev.portcullis.core.domain;

/**
 * One server-sent event of a run, as stored for replay.
 *
 * @param id increasing across all events of the server's database, so it orders events of a
 *     run and of a thread and serves as the SSE {@code id:}
 * @param data the event's JSON payload
 */
public record RunEvent(long id, String runId, String event, String data) {

  /** Whether this event ends its run's stream. */
  public boolean terminal() {
    return event.equals("run.completed") || event.equals("run.failed");
  }
}

package dev.portcullis.core.store;

import dev.portcullis.core.audit.AuditEvent;
import java.util.Optional;

/** The append-only audit log, read in the order it was written. */
public interface AuditStore {

  /** An event as stored, with its position in the log. */
  record Recorded(long id, AuditEvent event) {}

  /** Appends {@code event}. @return its id, greater than every id appended before it */
  long append(AuditEvent event);

  /**
   * Events oldest first: of {@code projectId} when present, else of every project and of none.
   */
  Page<Recorded> list(Optional<String> projectId, PageRequest page);
}

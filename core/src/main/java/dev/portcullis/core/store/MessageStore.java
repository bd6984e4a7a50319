package dev.portcullis.core.store;

import dev.portcullis.core.domain.Message;
import java.util.List;
import java.util.Optional;

/**
 * Messages of a thread. Callers have already found the thread in their scope; these methods
 * take its id as proof.
 */
public interface MessageStore {

  /** Stores a message under an id the caller chose (a run announces it before the text exists). */
  Message append(String id, String threadId, Optional<String> runId, String role, String content);

  /** The messages a run produced, oldest first. */
  List<Message> ofRun(String runId);

  Page<Message> list(String threadId, PageRequest page);

  /** The newest {@code max} messages, oldest first: the context a model sees. */
  List<Message> latest(String threadId, int max);
}

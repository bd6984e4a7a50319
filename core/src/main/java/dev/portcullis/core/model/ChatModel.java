package dev.portcullis.core.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A language model that answers a conversation, streaming its answer in pieces.
 * Implementations are thread-safe.
 */
public interface ChatModel {

  /**
   * Answers {@code conversation}, handing each piece of the answer to {@code onDelta} as it
   * arrives (at least one piece for a non-empty answer).
   *
   * @return the whole answer, the concatenation of the pieces
   * @throws dev.portcullis.core.error.PortcullisException {@code unavailable} when the model
   *     cannot be reached or fails
   */
  String reply(Conversation conversation, Consumer<String> onDelta);

  /** One message as a model sees it. */
  record Turn(String role, String content) {
    public Turn {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(content, "content");
    }
  }

  /** The agent's system prompt and the thread's messages, oldest first. */
  record Conversation(Optional<String> system, List<Turn> turns) {
    public Conversation {
      turns = List.copyOf(turns);
    }
  }
}

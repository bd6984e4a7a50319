package dev.portcullis.core.model;

import java.time.Duration;

/**
 * The built-in {@code echo} model: answers {@code echo: <last user message>}, one delta per
 * word, with an optional pause between words so that streaming can be seen and tested.
 */
public final class EchoModel implements ChatModel {

  private final Duration delay;

  public EchoModel(Duration delay) {
    this.delay = delay;
  }

  @Override
  public String reply(Conversation conversation, java.util.function.Consumer<String> onDelta) {
    String last = conversation.turns().stream()
        .filter(t -> t.role().equals("user"))
        .reduce((a, b) -> b)
        .map(Turn::content)
        .orElse("");
    StringBuilder answer = new StringBuilder("echo:");
    onDelta.accept("echo:");
    for (String word : last.strip().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      pause();
      String delta = " " + word;
      answer.append(delta);
      onDelta.accept(delta);
    }
    return answer.toString();
  }

  private void pause() {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.portcullis.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.error.PortcullisException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EchoModelTest {

  @Test
  void replyWhenLastUserMessageHasWordsThenOneDeltaPerWordAfterThePrefix() {
    List<String> deltas = new ArrayList<>();
    String answer = new EchoModel(Duration.ZERO).reply(new ChatModel.Conversation(Optional.empty(), List.of(
        new ChatModel.Turn("user", "first"), new ChatModel.Turn("assistant", "echo: first"),
        new ChatModel.Turn("user", "  hello   brave world "))), deltas::add);
    assertThat(answer).isEqualTo("echo: hello brave world");
    assertThat(deltas).containsExactly("echo:", " hello", " brave", " world");
    assertThat(String.join("", deltas)).isEqualTo(answer);
  }

  @Test
  void catalogWhenNameUnknownThenInvalidRequest() {
    ModelCatalog catalog = new ModelCatalog(Duration.ZERO, Optional.empty());
    catalog.validate("echo");
    catalog.validate("openai:gpt-4o-mini");
    assertThatThrownBy(() -> catalog.validate("claude")).isInstanceOf(PortcullisException.class);
    assertThatThrownBy(() -> catalog.validate("openai:")).isInstanceOf(PortcullisException.class);
  }

  @Test
  void catalogWhenOpenAiNotConfiguredThenUnavailable() {
    ModelCatalog catalog = new ModelCatalog(Duration.ZERO, Optional.empty());
    assertThatThrownBy(() -> catalog.resolve("openai:gpt-4o-mini"))
        .isInstanceOfSatisfying(PortcullisException.class,
            e -> assertThat(e.code()).isEqualTo(dev.portcullis.core.error.ErrorCode.UNAVAILABLE));
  }
}

package dev.portcullis.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.view.JsonMappers;
import org.junit.jupiter.api.Test;

class EventFramesTest {

  final ObjectMapper json = JsonMappers.create();
  final EventFrames frames = new EventFrames(json);

  @Test
  void ofWhenEventThenFrameWithTheStoredDataAsAnObject() throws Exception {
    RunEvent event = new RunEvent(42, "run_1", "message.delta", "{\"delta\":\"hi\",\"n\":[1,2]}");

    JsonNode frame = json.readTree(frames.of("thr_1", event));

    assertThat(frame.path("type").asText()).isEqualTo("event");
    assertThat(frame.path("thread_id").asText()).isEqualTo("thr_1");
    assertThat(frame.path("id").asLong()).isEqualTo(42);
    assertThat(frame.path("event").asText()).isEqualTo("message.delta");
    assertThat(frame.path("data")).isEqualTo(json.readTree("{\"delta\":\"hi\",\"n\":[1,2]}"));
  }

  @Test
  void ofWhenTheSameEventAgainThenTheSameTextWrittenOnce() {
    RunEvent event = new RunEvent(7, "run_1", "run.created", "{}");

    assertThat(frames.of("thr_1", event)).isSameAs(frames.of("thr_1", event));
  }

  @Test
  void ofWhenManyEventsThenEachStillRenderedRight() throws Exception {
    for (long id = 1; id <= 10_000; id++) {
      String text = frames.of("thr_1", new RunEvent(id, "run_1", "message.delta", "{\"i\":" + id + "}"));
      assertThat(json.readTree(text).path("data").path("i").asLong()).isEqualTo(id);
    }
  }
}

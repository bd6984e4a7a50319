package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run streams over SSE: ids on every event, replay, and Last-Event-ID resume. */
class SseStreamIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey p;

  @BeforeAll
  static void start() {
    server = new TestServer(data, Map.of("echo-delay-ms", "20"));
    p = server.newProject("sse");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Event(long id, String name, JsonNode data) {}

  static List<Event> read(HttpResponse<InputStream> response) throws IOException {
    List<Event> events = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      Long id = null;
      String name = null;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          assertThat(id).as("every event has an id").isNotNull();
          events.add(new Event(id, name, Api.JSON.readTree(line.substring(6))));
          id = null;
          name = null;
        }
      }
    }
    return events;
  }

  static HttpResponse<InputStream> open(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  static HttpRequest.Builder startStream(String thread, String text) {
    return p.api().request("/v1/threads/" + thread + "/runs/stream").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Api.json(
            Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", text)))))));
  }

  @Test
  void streamWhenRunStartedThenEventsInOrderWithIncreasingIdsAndOneDeltaPerWord() throws Exception {
    String thread = p.thread(p.agent());
    HttpResponse<InputStream> response = open(startStream(thread, "one two three"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
    List<Event> events = read(response);
    assertThat(events).extracting(Event::name).containsExactly("run.created", "message.delta", "message.delta",
        "message.delta", "message.delta", "message.completed", "run.completed");
    assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
    StringBuilder text = new StringBuilder();
    events.stream().filter(e -> e.name().equals("message.delta")).forEach(e -> text.append(e.data().get("delta").asText()));
    assertThat(text.toString()).isEqualTo("echo: one two three");
    assertThat(events.getLast().data().get("run").get("status").asText()).isEqualTo("completed");
    assertThat(events.getLast().data().get("run").get("output").get("messages").get(0).get("content").asText())
        .isEqualTo("echo: one two three");
  }

  @Test
  void joinWhenRunFinishedThenReplaysEveryEventWithTheSameIds() throws Exception {
    String thread = p.thread(p.agent());
    List<Event> live = read(open(startStream(thread, "replay me")));
    String runId = live.getFirst().data().get("run").get("id").asText();
    List<Event> replay = read(open(p.api().request("/v1/threads/" + thread + "/runs/" + runId + "/stream").GET()));
    assertThat(replay).extracting(Event::id).containsExactlyElementsOf(live.stream().map(Event::id).toList());
    assertThat(replay).extracting(Event::name).containsExactlyElementsOf(live.stream().map(Event::name).toList());
  }

  @Test
  void joinWhenLastEventIdGivenThenResumesStrictlyAfterIt() throws Exception {
    String thread = p.thread(p.agent());
    List<Event> live = read(open(startStream(thread, "a b c d")));
    String runId = live.getFirst().data().get("run").get("id").asText();
    long cut = live.get(2).id();
    List<Event> resumed = read(open(p.api().request("/v1/threads/" + thread + "/runs/" + runId + "/stream")
        .header("Last-Event-ID", Long.toString(cut)).GET()));
    assertThat(resumed).extracting(Event::id)
        .containsExactlyElementsOf(live.stream().map(Event::id).filter(id -> id > cut).toList());
  }

  @Test
  void joinWhenRunStillGoingThenReceivesTheRestLive() throws Exception {
    TestServer slow = new TestServer(data.resolve("slow"), Map.of("echo-delay-ms", "150"));
    try {
      TestServer.ProjectKey q = slow.newProject("slow");
      String thread = q.thread(q.agent());
      HttpResponse<InputStream> starter = open(q.api().request("/v1/threads/" + thread + "/runs/stream")
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Api.json(
              Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", "w1 w2 w3 w4 w5"))))))));
      BufferedReader r = new BufferedReader(new InputStreamReader(starter.body(), StandardCharsets.UTF_8));
      String runId = null;
      for (String line; runId == null && (line = r.readLine()) != null; ) {
        if (line.startsWith("data: ")) {
          runId = Api.JSON.readTree(line.substring(6)).get("run").get("id").asText();
        }
      }
      starter.body().close(); // the first client goes away; the run goes on
      List<Event> joined = read(open(q.api().request("/v1/threads/" + thread + "/runs/" + runId + "/stream").GET()));
      assertThat(joined.getFirst().name()).isEqualTo("run.created");
      assertThat(joined.getLast().name()).isEqualTo("run.completed");
      assertThat(joined.getLast().data().get("run").get("output").get("messages").get(0).get("content").asText())
          .isEqualTo("echo: w1 w2 w3 w4 w5");
    } finally {
      slow.close();
    }
  }

  @Test
  void joinWhenLastEventIdMalformedThenInvalidRequest() {
    String thread = p.thread(p.agent());
    String runId = p.api().post("/v1/threads/" + thread + "/runs", Map.of("input", Map.of("messages",
        List.of(Map.of("role", "user", "content", "x"))))).expect(200).json().get("id").asText();
    p.api().send(p.api().request("/v1/threads/" + thread + "/runs/" + runId + "/stream").header("Last-Event-ID", "abc").GET())
        .expectError(400, "invalid_request");
  }
}

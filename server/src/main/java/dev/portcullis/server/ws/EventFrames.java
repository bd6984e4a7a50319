package dev.portcullis.server.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.portcullis.core.domain.RunEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text of {@code event} frames (API.md section 8), written once per event and shared by
 * every socket of this server subscribed to its thread: at 10,000 subscribers, writing the same
 * frame 10,000 times was most of the work of a fan-out. Thread-safe.
 */
public final class EventFrames {

  /** Frames of this many recent events are kept; a fan-out reads each within moments of the first. */
  private static final int KEPT = 4096;

  private final ObjectMapper json;
  // Event ids are unique in the database, and an event belongs to one thread: the id is the key.
  private final Map<Long, String> byEventId = new ConcurrentHashMap<>();

  public EventFrames(ObjectMapper json) {
    this.json = json;
  }

  /** {@code {"type":"event","thread_id","id","event","data"}} for {@code event} of thread {@code threadId}. */
  public String of(String threadId, RunEvent event) {
    String text = byEventId.get(event.id());
    if (text != null) {
      return text;
    }
    text = render(threadId, event);
    if (byEventId.size() >= KEPT) {
      byEventId.clear(); // crude, and cheap: the next fan-out writes its frames once again
    }
    byEventId.putIfAbsent(event.id(), text);
    return text;
  }

  private String render(String threadId, RunEvent event) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "event");
    frame.put("thread_id", threadId);
    frame.put("id", event.id());
    frame.put("event", event.event());
    // The stored data is JSON the server itself wrote: copied as it is, not parsed and written again.
    frame.put("data", new RawValue(event.data()));
    try {
      return json.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a frame is always serialisable", e);
    }
  }
}

package dev.portcullis.server.sse;

import dev.portcullis.core.domain.RunEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One open {@code text/event-stream} response (WHATWG HTML, server-sent events). Each event
 * carries its {@code id:} so that a client reconnecting with {@code Last-Event-ID} resumes
 * after it. Not thread-safe: one writer per stream.
 */
public final class SseStream {

  private final OutputStream out;
  private boolean open = true;

  /** Takes over a response whose headers have not been sent yet. */
  public static SseStream start(jakarta.servlet.http.HttpServletResponse response) throws IOException {
    response.setStatus(200);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Accel-Buffering", "no"); // proxies must not hold events back
    OutputStream out = response.getOutputStream();
    SseStream stream = new SseStream(out);
    stream.write(": stream open\n\n"); // commits the headers so the client sees the stream at once
    return stream;
  }

  private SseStream(OutputStream out) {
    this.out = out;
  }

  /** Sends one stored run event. @throws UncheckedIOException when the client has gone */
  public void send(RunEvent event) {
    send(Long.toString(event.id()), event.event(), event.data());
  }

  /** Sends one event; {@code data} must be a single line (JSON is). */
  public void send(String id, String event, String data) {
    write("id: " + id + "\nevent: " + event + "\ndata: " + data + "\n\n");
  }

  /**
   * Sends the stream's last event, {@code event: error} with {@code data} (the API's error
   * object as JSON), without an id: it is no run event, and resuming must not skip past it.
   */
  public void sendError(String data) {
    try {
      write("event: error\ndata: " + data + "\n\n");
    } catch (UncheckedIOException clientGone) {
      // Nobody is listening any more; the stream ends all the same.
    }
  }

  /** Whether no write has failed yet. */
  public boolean isOpen() {
    return open;
  }

  private void write(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      open = false;
      throw new UncheckedIOException(e);
    }
  }
}

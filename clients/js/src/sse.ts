/**
 * One dispatched server-sent event. `id` is the stream's last event id when it was dispatched
 * (WHATWG HTML 9.2.6: an event without an `id:` field keeps the previous one), `""` before any.
 */
export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

/**
 * An incremental parser of `text/event-stream` (WHATWG HTML 9.2.6, "Interpreting an event
 * stream"): lines end with CRLF, LF or CR, even when a chunk splits a CRLF; `data:` lines
 * join with LF; lines starting with `:` are comments; a blank line dispatches. Not thread-safe.
 */
export class SseParser {
  private buffer = "";
  private started = false;
  /** The previous chunk ended with CR, so an LF opening this one belongs to it. */
  private afterCR = false;
  private data: string[] = [];
  private eventType = "";
  private lastEventId = "";

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseEvent[] {
    if (!this.started && text !== "") {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.afterCR && text !== "") {
      this.afterCR = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    // The buffer holds no line break, so only the new text needs scanning.
    let scan = this.buffer.length;
    this.buffer += text;
    const events: SseEvent[] = [];
    let lineStart = 0;
    for (; scan < this.buffer.length; scan++) {
      const c = this.buffer.charCodeAt(scan);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(lineStart, scan), events);
      if (c === 13) {
        if (scan + 1 === this.buffer.length) this.afterCR = true;
        else if (this.buffer.charCodeAt(scan + 1) === 10) scan++;
      }
      lineStart = scan + 1;
    }
    this.buffer = this.buffer.slice(lineStart);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === "") {
      this.dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      default:
        break; // `retry` and unknown fields: reconnection is the caller's, with its own backoff
    }
  }

  private dispatch(events: SseEvent[]): void {
    if (this.data.length > 0) {
      events.push({ id: this.lastEventId, event: this.eventType || "message", data: this.data.join("\n") });
    }
    this.data = [];
    this.eventType = "";
  }
}

/**
 * The events of a `text/event-stream` body, as they arrive. An event not closed by a blank
 * line when the stream ends is dropped, as the standard says. Ending the iteration early
 * cancels the body. A dropped connection rejects with the reader's error.
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        yield* parser.push(decoder.decode());
        return;
      }
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    if (!finished) reader.cancel().catch(() => undefined);
  }
}

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type SseEvent, SseParser, readEvents } from "../src/sse.js";
import { collect } from "./fakes.js";

function parseAll(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

const STREAM =
  ": stream open\n\n" +
  'id: 1\nevent: run.created\ndata: {"run":{"id":"run_1"}}\n\n' +
  'id: 2\nevent: message.delta\ndata: {"delta":"echo: "}\n\n' +
  'id: 3\nevent: message.delta\ndata: {"delta":"héllo ✓"}\n\n';

const EXPECTED: SseEvent[] = [
  { id: "1", event: "run.created", data: '{"run":{"id":"run_1"}}' },
  { id: "2", event: "message.delta", data: '{"delta":"echo: "}' },
  { id: "3", event: "message.delta", data: '{"delta":"héllo ✓"}' },
];

describe("SSE parser", () => {
  test("a stream split at every possible point parses to the same events", () => {
    assert.deepEqual(parseAll([STREAM]), EXPECTED);
    assert.deepEqual(parseAll([...STREAM]), EXPECTED, "one character per chunk");
    for (let cut = 0; cut <= STREAM.length; cut++) {
      assert.deepEqual(parseAll([STREAM.slice(0, cut), STREAM.slice(cut)]), EXPECTED, `cut at ${cut}`);
    }
  });

  test("data lines join with LF, and a leading space is removed once", () => {
    const events = parseAll(["data: first\ndata:second\ndata:  third\ndata\n\n"]);
    assert.deepEqual(events, [{ id: "", event: "message", data: "first\nsecond\n third\n" }]);
  });

  test("CRLF, CR and LF all end lines, also when a chunk splits a CRLF", () => {
    const crlf = "id: 7\r\nevent: a\r\ndata: x\r\ndata: y\r\n\r\n";
    const cr = "id: 8\revent: b\rdata: z\r\r";
    const expected = [
      { id: "7", event: "a", data: "x\ny" },
      { id: "8", event: "b", data: "z" },
    ];
    assert.deepEqual(parseAll([crlf + cr]), expected);
    for (let cut = 1; cut < crlf.length; cut++) {
      assert.deepEqual(parseAll([crlf.slice(0, cut), crlf.slice(cut) + cr]), expected, `cut at ${cut}`);
    }
  });

  test("comments are skipped and a blank line without data dispatches nothing", () => {
    const events = parseAll([": stream open\n\n:keep-alive\n\nevent: lonely\n\ndata: real\n\n"]);
    assert.deepEqual(events, [{ id: "", event: "message", data: "real" }], "the event name of an empty event does not leak");
  });

  test("an event without id: keeps the stream's last id; an id with NUL is ignored", () => {
    const events = parseAll(["id: 4\ndata: a\n\n", "event: error\ndata: b\n\n", "id: 5\0\ndata: c\n\n"]);
    assert.deepEqual(
      events.map((e) => e.id),
      ["4", "4", "4"],
    );
  });

  test("readEvents decodes a UTF-8 character split across network chunks, and drops an unterminated last event", async () => {
    const bytes = new TextEncoder().encode(`${STREAM}data: never dispatched`);
    const split = bytes.indexOf(0xc3); // the first byte of é
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split + 1));
        controller.enqueue(bytes.slice(split + 1));
        controller.close();
      },
    });

    assert.deepEqual(await collect(readEvents(body)), EXPECTED);
  });
});

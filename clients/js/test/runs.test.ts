import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Portcullis, PortcullisError, type RunEvent } from "../src/index.js";
import { apiError, collect, fakeFetch, json, liveStream, sse, streamOf } from "./fakes.js";

const BASE = "http://127.0.0.1:8080";
const LATER = new Date(Date.now() + 3_600_000).toISOString();
const FAST = { initialDelayMs: 1, maxDelayMs: 5 };
const INPUT = { messages: [{ role: "user", content: "hello world" }] };

/** The five events of an echo run, as the server stores them. */
const RUN_EVENTS: [number, string, unknown][] = [
  [1, "run.created", { run: { id: "run_1", status: "running" } }],
  [2, "message.delta", { run_id: "run_1", message_id: "msg_1", delta: "echo: " }],
  [3, "message.delta", { run_id: "run_1", message_id: "msg_1", delta: "hello world" }],
  [4, "message.completed", { message: { id: "msg_1", content: "echo: hello world" } }],
  [5, "run.completed", { run: { id: "run_1", status: "completed" } }],
];

/** The run's events after `lastEventId`, as the server's GET stream sends them. */
function eventsAfter(lastEventId: string | undefined, until = 5): string[] {
  const after = lastEventId === undefined ? 0 : Number(lastEventId);
  return [": stream open\n\n", ...RUN_EVENTS.filter(([id]) => id > after && id <= until).map(([id, name, data]) => sse(id, name, data))];
}

const ids = (events: RunEvent[]): string[] => events.map((e) => e.id);

describe("runs.stream", () => {
  test("posts the input and yields each event with its id, name and parsed data, ending after run.completed", async () => {
    const { fetch, requests } = fakeFetch(() => streamOf(eventsAfter(undefined)));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch });

    const events = await collect(client.runs.stream("thr_1", INPUT));

    assert.deepEqual(
      events,
      RUN_EVENTS.map(([id, event, data]) => ({ id: String(id), event, data })),
    );
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.method, "POST");
    assert.equal(requests[0]!.path, "/v1/threads/thr_1/runs/stream");
    assert.equal(requests[0]!.headers.accept, "text/event-stream");
    assert.deepEqual(requests[0]!.body, { input: INPUT });
  });

  test("a POST stream that drops after run.created goes on through the run's GET stream without losing or repeating an event", async () => {
    const { fetch, requests } = fakeFetch((request) =>
      request.method === "POST"
        ? streamOf(eventsAfter(undefined, 2), { drop: true })
        : streamOf(eventsAfter(request.headers["last-event-id"])),
    );
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch, reconnect: FAST });

    const events = await collect(client.runs.stream("thr_1", INPUT));

    assert.deepEqual(ids(events), ["1", "2", "3", "4", "5"]);
    assert.equal(requests.length, 2);
    assert.equal(requests[1]!.method, "GET");
    assert.equal(requests[1]!.path, "/v1/threads/thr_1/runs/run_1/stream");
    assert.equal(requests[1]!.headers["last-event-id"], "2");
  });

  test("a POST stream that drops before run.created is a network_error and is never posted again", async () => {
    const { fetch, requests } = fakeFetch(() => streamOf([": stream open\n\n"], { drop: true }));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch, reconnect: FAST });

    await assert.rejects(collect(client.runs.stream("thr_1", INPUT)), (error: unknown) => {
      assert.ok(error instanceof PortcullisError);
      assert.equal(error.code, "network_error");
      return true;
    });
    assert.equal(requests.length, 1, "a second POST would start a second run");
  });

  test("a refused POST throws the API's error before any event", async () => {
    const { fetch } = fakeFetch(() => apiError(403, "insufficient_scope", "No write_messages."));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch });

    await assert.rejects(collect(client.runs.stream("thr_1", INPUT)), { name: "PortcullisError", status: 403, code: "insufficient_scope" });
  });
});

describe("runs.join", () => {
  test("sends lastEventId as Last-Event-ID and yields only the later events", async () => {
    const { fetch, requests } = fakeFetch((request) => streamOf(eventsAfter(request.headers["last-event-id"])));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch });

    const events = await collect(client.runs.join("thr_1", "run_1", { lastEventId: "3" }));

    assert.deepEqual(ids(events), ["4", "5"]);
    assert.equal(requests[0]!.headers["last-event-id"], "3");
    assert.equal(requests[0]!.headers.authorization, "Bearer pc_ck_1");
  });

  test("resumes a dropped stream with Last-Event-ID of the last event, losing and repeating nothing", async () => {
    let connection = 0;
    const { fetch, requests } = fakeFetch((request) => {
      connection++;
      const last = request.headers["last-event-id"];
      if (connection === 1) return streamOf(eventsAfter(last, 2), { drop: true }); // drops after event 2
      if (connection === 2) return streamOf(eventsAfter(last, 3)); // ends without a final event
      return streamOf(eventsAfter(last));
    });
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch, reconnect: FAST });

    const events = await collect(client.runs.join("thr_1", "run_1"));

    assert.deepEqual(ids(events), ["1", "2", "3", "4", "5"]);
    assert.deepEqual(
      requests.map((r) => r.headers["last-event-id"]),
      [undefined, "2", "3"],
    );
  });

  test("events a server replays from before Last-Event-ID are not repeated", async () => {
    let connection = 0;
    const { fetch } = fakeFetch(() => (++connection === 1 ? streamOf(eventsAfter(undefined, 3), { drop: true }) : streamOf(eventsAfter(undefined))));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch, reconnect: FAST });

    const events = await collect(client.runs.join("thr_1", "run_1"));

    assert.deepEqual(ids(events), ["1", "2", "3", "4", "5"]);
  });

  test("an error event token_expired gets a fresh token and resumes after the last event", async () => {
    let minted = 0;
    const { fetch, requests } = fakeFetch((request) => {
      if (request.headers.authorization === "Bearer tok_1") {
        return streamOf([
          ...eventsAfter(undefined, 2),
          sse(undefined, "error", { code: "token_expired", message: "The credential expired.", request_id: "req_1" }),
        ]);
      }
      return streamOf(eventsAfter(request.headers["last-event-id"]));
    });
    const client = new Portcullis({ baseUrl: BASE, getToken: async () => ({ token: `tok_${++minted}`, expires_at: LATER }), fetch });

    const events = await collect(client.runs.join("thr_1", "run_1"));

    assert.deepEqual(ids(events), ["1", "2", "3", "4", "5"]);
    assert.equal(minted, 2);
    assert.deepEqual(
      requests.map((r) => [r.headers.authorization, r.headers["last-event-id"]]),
      [
        ["Bearer tok_1", undefined],
        ["Bearer tok_2", "2"],
      ],
    );
    assert.ok(events.every((e) => e.event !== "error"), "the error event is handled, not yielded");
  });

  test("with a static token an error event token_revoked is thrown as a PortcullisError", async () => {
    const { fetch, requests } = fakeFetch(() =>
      streamOf([...eventsAfter(undefined, 1), sse(undefined, "error", { code: "token_revoked", message: "Revoked.", request_id: "req_9" })]),
    );
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch });
    const seen: RunEvent[] = [];

    await assert.rejects(
      (async () => {
        for await (const event of client.runs.join("thr_1", "run_1")) seen.push(event);
      })(),
      { name: "PortcullisError", status: 401, code: "token_revoked", requestId: "req_9" },
    );
    assert.deepEqual(ids(seen), ["1"]);
    assert.equal(requests.length, 1);
  });

  test("gives up with a network_error after five resumes in a row bring no event", async () => {
    const { fetch, requests } = fakeFetch(() => streamOf([": stream open\n\n"], { drop: true }));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch, reconnect: FAST });

    await assert.rejects(collect(client.runs.join("thr_1", "run_1", { lastEventId: "2" })), { name: "PortcullisError", code: "network_error" });
    assert.equal(requests.length, 6, "the first connection and five resumes");
    assert.ok(requests.every((r) => r.headers["last-event-id"] === "2"));
  });

  test("breaking out of the loop cancels the response body", async () => {
    const stream = liveStream();
    const { fetch } = fakeFetch(() => stream.response);
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch });
    for (const chunk of eventsAfter(undefined, 2)) stream.push(chunk);

    for await (const event of client.runs.join("thr_1", "run_1")) {
      if (event.id === "2") break;
    }

    await stream.cancelled; // resolves only when the body was cancelled
  });

  test("aborting the signal ends the iteration with the abort", async () => {
    const stream = liveStream();
    const { fetch } = fakeFetch(() => stream.response);
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch, reconnect: FAST });
    const controller = new AbortController();
    stream.push(eventsAfter(undefined, 1).join(""));
    const seen: string[] = [];

    await assert.rejects(
      (async () => {
        for await (const event of client.runs.join("thr_1", "run_1", { signal: controller.signal })) {
          seen.push(event.id);
          controller.abort();
          stream.drop(); // what fetch does to the body when its signal aborts
        }
      })(),
      (error: unknown) => (error as Error).name === "AbortError" || error === controller.signal.reason,
    );
    assert.deepEqual(seen, ["1"]);
  });
});

describe("runs.create", () => {
  test("returns the finished run as the server answers it", async () => {
    const run = { id: "run_1", status: "completed", output: { messages: [] } };
    const { fetch } = fakeFetch(() => json(200, run));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_1", fetch });

    assert.deepEqual(await client.runs.create("thr_1", INPUT), run);
  });
});

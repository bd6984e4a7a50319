import assert from "node:assert/strict";
import { describe, mock, test } from "node:test";
import { Portcullis, PortcullisError, type RealtimeEvents, type ThreadEvent } from "../src/index.js";
import { type Recorded, apiError, eventually, fakeFetch, fakeWebSocket, json } from "./fakes.js";

const BASE = "http://127.0.0.1:8080";
const FAST = { initialDelayMs: 1, maxDelayMs: 5 };
const inAnHour = (): string => new Date(Date.now() + 3_600_000).toISOString();

interface Setup {
  client: Portcullis;
  sockets: ReturnType<typeof fakeWebSocket>["sockets"];
  requests: Recorded[];
  minted: () => number;
}

/** A client with getToken minting tok_1, tok_2, ..., a server handing out tickets pc_wt_1, ..., and fake sockets. */
function setup(
  options: { lifetimeMs?: number; ticket?: (request: Recorded, n: number) => Response; getToken?: (n: number) => Promise<unknown> } = {},
): Setup {
  let minted = 0;
  let tickets = 0;
  const { fetch, requests } = fakeFetch((request) => {
    if (request.path !== "/v1/ws-tickets") return json(404, {});
    tickets++;
    return options.ticket?.(request, tickets) ?? json(201, { ticket: `pc_wt_${tickets}`, expires_at: inAnHour() });
  });
  const { WebSocket, sockets } = fakeWebSocket();
  const client = new Portcullis({
    baseUrl: BASE,
    fetch,
    WebSocket,
    reconnect: FAST,
    getToken: async () => {
      minted++;
      if (options.getToken) return (await options.getToken(minted)) as string;
      return { token: `tok_${minted}`, expires_at: new Date(Date.now() + (options.lifetimeMs ?? 3_600_000)).toISOString() };
    },
  });
  return { client, sockets, requests, minted: () => minted };
}

function record<K extends keyof RealtimeEvents>(realtime: ReturnType<Portcullis["realtime"]>, name: K): RealtimeEvents[K][] {
  const seen: RealtimeEvents[K][] = [];
  realtime.on(name, (detail) => seen.push(detail));
  return seen;
}

const event = (threadId: string, id: number) => ({ type: "event", thread_id: threadId, id, event: "message.delta", data: { delta: `d${id}` } });
const ticketRequests = (requests: Recorded[]) => requests.filter((r) => r.path === "/v1/ws-tickets");

describe("realtime", () => {
  test("opens with a single-use ticket from POST /v1/ws-tickets in ?token=, and emits open on ready", async () => {
    const { client, sockets, requests } = setup();
    const realtime = client.realtime();
    const opened = record(realtime, "open");

    await eventually(() => sockets.length === 1, "a socket");
    assert.equal(sockets[0]!.url, "ws://127.0.0.1:8080/v1/ws?token=pc_wt_1");
    assert.equal(sockets[0]!.protocols, undefined);
    assert.deepEqual(
      ticketRequests(requests).map((r) => [r.method, r.headers.authorization]),
      [["POST", "Bearer tok_1"]],
    );

    sockets[0]!.accept();
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.principal.identity, "alice");
    client.close();
  });

  test("with useTicket false the token travels in the bearer subprotocol, not in the URL", async () => {
    const { client, sockets, requests } = setup();
    client.realtime({ useTicket: false });

    await eventually(() => sockets.length === 1, "a socket");
    assert.equal(sockets[0]!.url, "ws://127.0.0.1:8080/v1/ws");
    assert.deepEqual(sockets[0]!.protocols, ["portcullis", "bearer.tok_1"]);
    assert.equal(ticketRequests(requests).length, 0);
    client.close();
  });

  test("auth.expiring offers a new token only when it is due by its own schedule, so short tokens are not replaced in a loop", async () => {
    const { client, sockets, minted } = setup({ lifetimeMs: 1_000 }); // due for refresh at half its lifetime
    const realtime = client.realtime();
    const auths = record(realtime, "auth");
    await eventually(() => sockets.length === 1, "a socket");
    const socket = sockets[0]!;
    socket.accept();

    // The server warns at once about any token shorter than its 30 s notice.
    socket.serverSend({ type: "auth.expiring", expires_in: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(minted(), 1, "no new token before it is due");
    assert.equal(socket.frames("auth").length, 0);

    await eventually(() => socket.frames("auth").length === 1, "the due refresh's auth frame");
    const frame = socket.frames("auth")[0]!;
    assert.equal(frame.token, "tok_2", "a fresh token, never a ticket");
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    socket.serverSend({ type: "auth.ok", expires_at: expiresAt, request_id: frame.request_id });
    assert.deepEqual(auths, [{ expiresAt: new Date(expiresAt) }]);

    socket.serverSend({ type: "auth.expiring", expires_in: 1 }); // now about tok_2, at once again
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(minted(), 2, "the warning about the fresh token fetches nothing");
    assert.equal(socket.frames("auth").length, 1);
    assert.equal(sockets.length, 1, "all without reconnecting");
    client.close();
  });

  test("the scheduled refresh sends the new token in band before the old one expires", async () => {
    const { client, sockets } = setup({ lifetimeMs: 400 }); // refreshed at half its lifetime
    client.realtime();
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();

    await eventually(() => sockets[0]!.frames("auth").length >= 1, "an auth frame");
    assert.equal(sockets[0]!.frames("auth")[0]!.token, "tok_2");
    client.close();
  });

  test("after a 4001 close it reconnects with a fresh token and ticket and re-subscribes after the last event seen", async () => {
    const { client, sockets, requests, minted } = setup();
    const realtime = client.realtime();
    const closes = record(realtime, "close");
    const received: ThreadEvent[] = [];
    realtime.subscribe("thr_1", (e) => received.push(e));
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();
    assert.deepEqual(
      sockets[0]!.frames("subscribe").map((f) => [f.thread_id, f.after]),
      [["thr_1", undefined]],
    );
    for (const id of [1, 2, 3]) sockets[0]!.serverSend(event("thr_1", id));

    sockets[0]!.serverClose(4001, "token_expired: The credential expired.");
    assert.deepEqual(closes, [{ code: 4001, reason: "token_expired: The credential expired.", willReconnect: true }]);
    await eventually(() => sockets.length === 2, "a second socket");
    assert.equal(minted(), 2, "a fresh token before reconnecting");
    assert.deepEqual(
      ticketRequests(requests).map((r) => r.headers.authorization),
      ["Bearer tok_1", "Bearer tok_2"],
    );
    assert.equal(sockets[1]!.url, "ws://127.0.0.1:8080/v1/ws?token=pc_wt_2");

    sockets[1]!.accept();
    assert.deepEqual(
      sockets[1]!.frames("subscribe").map((f) => [f.thread_id, f.after]),
      [["thr_1", 3]],
    );
    sockets[1]!.serverSend(event("thr_1", 3)); // an overlapping replay is not delivered twice
    sockets[1]!.serverSend(event("thr_1", 4));
    assert.deepEqual(
      received.map((e) => e.id),
      [1, 2, 3, 4],
    );
    assert.deepEqual(received[3], { threadId: "thr_1", id: 4, event: "message.delta", data: { delta: "d4" } });
    client.close();
  });

  test("a dropped connection (1006) and a 4008 close reconnect with a new ticket for the same token", async () => {
    const { client, sockets, requests, minted } = setup();
    const realtime = client.realtime();
    const closes = record(realtime, "close");
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();

    sockets[0]!.serverClose(1006);
    await eventually(() => sockets.length === 2, "a second socket");
    sockets[1]!.accept();
    sockets[1]!.serverClose(4008, "idle: no frame for 60000 ms");
    await eventually(() => sockets.length === 3, "a third socket");

    assert.deepEqual(
      closes.map((c) => [c.code, c.willReconnect]),
      [
        [1006, true],
        [4008, true],
      ],
    );
    assert.equal(minted(), 1, "the token is still good");
    assert.deepEqual(
      sockets.map((s) => s.url.split("=")[1]),
      ["pc_wt_1", "pc_wt_2", "pc_wt_3"],
      "a ticket is used once",
    );
    assert.equal(ticketRequests(requests).length, 3);
    client.close();
  });

  test("when getToken fails with 401 on reconnect it emits signedout and stops reconnecting", async () => {
    const signedOut = Object.assign(new Error("session ended"), { status: 401 });
    const { client, sockets, requests } = setup({
      getToken: async (n) => {
        if (n > 1) throw signedOut;
        return { token: "tok_1", expires_at: inAnHour() };
      },
    });
    const realtime = client.realtime();
    const signedouts = record(realtime, "signedout");
    const runOutcome = realtime.run("thr_1", { messages: [{ role: "user", content: "hi" }] }).catch((error: unknown) => error);
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.serverClose(4003, "token_revoked: The credential was revoked.");

    await eventually(() => signedouts.length === 1, "signedout");
    assert.equal(signedouts[0], signedOut);
    assert.equal(await runOutcome, signedOut, "a run still waiting for the socket is refused too");
    await new Promise((resolve) => setTimeout(resolve, 50)); // several backoffs' worth
    assert.equal(sockets.length, 1, "no reconnect after signing out");
    assert.equal(ticketRequests(requests).length, 1);
    client.close();
  });

  test("when the ticket request is refused with 401 on reconnect it emits signedout and stops reconnecting", async () => {
    const { client, sockets, requests } = setup({
      ticket: (_request, n) => (n === 1 ? json(201, { ticket: "pc_wt_1", expires_at: inAnHour() }) : apiError(401, "token_revoked", "Revoked.")),
    });
    const realtime = client.realtime();
    const signedouts = record(realtime, "signedout");
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();
    sockets[0]!.serverClose(1006);

    await eventually(() => signedouts.length === 1, "signedout");
    const error = signedouts[0];
    assert.ok(error instanceof PortcullisError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "token_revoked");
    const attempts = ticketRequests(requests).length;
    assert.equal(attempts, 3, "the first ticket, then one refused and its one retry with a fresh token");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(ticketRequests(requests).length, attempts, "no attempt after signing out");
    assert.equal(sockets.length, 1);
    client.close();
  });

  test("with a static token a 4001 close emits signedout with the close's code instead of reconnecting", async () => {
    const { fetch } = fakeFetch(() => json(201, { ticket: "pc_wt_1", expires_at: inAnHour() }));
    const { WebSocket, sockets } = fakeWebSocket();
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_static", fetch, WebSocket, reconnect: FAST });
    const realtime = client.realtime();
    const closes = record(realtime, "close");
    const signedouts = record(realtime, "signedout");
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();

    sockets[0]!.serverClose(4001, "token_expired: The credential expired.");

    assert.deepEqual(closes, [{ code: 4001, reason: "token_expired: The credential expired.", willReconnect: false }]);
    assert.equal(signedouts.length, 1);
    assert.ok(signedouts[0] instanceof PortcullisError);
    assert.equal(signedouts[0].code, "token_expired");
    assert.equal(signedouts[0].status, 401);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(sockets.length, 1);
    client.close();
  });

  test("run() sends a run frame with a request_id and resolves with the run id on its run.started", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();
    const input = { messages: [{ role: "user", content: "hello world" }] };

    const started = realtime.run("thr_1", input);
    const frame = sockets[0]!.frames("run")[0]!;
    assert.equal(frame.thread_id, "thr_1");
    assert.deepEqual(frame.input, input);
    assert.equal(typeof frame.request_id, "string");
    sockets[0]!.serverSend({ type: "run.started", run_id: "run_other", thread_id: "thr_1", request_id: "someone_else" });
    sockets[0]!.serverSend({ type: "run.started", run_id: "run_1", thread_id: "thr_1", request_id: frame.request_id });

    assert.deepEqual(await started, { runId: "run_1" });
    client.close();
  });

  test("run() rejects with a PortcullisError carrying the code of the error frame with its request_id", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    const errors = record(realtime, "error");
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();

    const started = realtime.run("thr_hidden", { messages: [{ role: "user", content: "hi" }] });
    const { request_id } = sockets[0]!.frames("run")[0]!;
    sockets[0]!.serverSend({ type: "error", code: "not_found", message: "Thread not found.", request_id });

    await assert.rejects(started, (error: unknown) => {
      assert.ok(error instanceof PortcullisError);
      assert.equal(error.status, 404);
      assert.equal(error.code, "not_found");
      assert.equal(error.message, "Thread not found.");
      assert.equal(error.requestId, request_id);
      return true;
    });
    assert.equal(errors.length, 0, "answered to run(), not to the error listeners");
    client.close();
  });

  test("a run asked for before ready is sent once the socket is ready", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    const started = realtime.run("thr_1", { messages: [{ role: "user", content: "early" }] });
    await eventually(() => sockets.length === 1, "a socket");
    assert.equal(sockets[0]!.frames("run").length, 0);

    sockets[0]!.accept();
    const [frame] = sockets[0]!.frames("run");
    assert.ok(frame);
    sockets[0]!.serverSend({ type: "run.started", run_id: "run_9", thread_id: "thr_1", request_id: frame.request_id });
    assert.deepEqual(await started, { runId: "run_9" });
    client.close();
  });

  test("a run the socket closed on before run.started rejects with connection_closed", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();
    const started = realtime.run("thr_1", { messages: [{ role: "user", content: "hi" }] });

    sockets[0]!.serverClose(1011, "internal");
    await assert.rejects(started, { name: "PortcullisError", status: 0, code: "connection_closed" });
    client.close();
  });

  test("a refused subscribe emits error with the API's code and the socket stays open", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    const errors = record(realtime, "error");
    const closes = record(realtime, "close");
    realtime.subscribe("thr_hidden", () => assert.fail("no events for a refused subscription"));
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();

    const { request_id } = sockets[0]!.frames("subscribe")[0]!;
    sockets[0]!.serverSend({ type: "error", code: "not_found", message: "Thread not found.", request_id });
    sockets[0]!.serverSend(event("thr_hidden", 1));

    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof PortcullisError);
    assert.equal(errors[0].code, "not_found");
    assert.equal(closes.length, 0);
    client.close();
  });

  test("unsubscribing the last listener sends unsubscribe and stops delivery", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = realtime.subscribe("thr_1", (e) => first.push(e.id));
    const stopSecond = realtime.subscribe("thr_1", (e) => second.push(e.id));
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();
    assert.equal(sockets[0]!.frames("subscribe").length, 1, "one subscription per thread");

    sockets[0]!.serverSend(event("thr_1", 1));
    stopFirst();
    assert.equal(sockets[0]!.frames("unsubscribe").length, 0, "a listener remains");
    sockets[0]!.serverSend(event("thr_1", 2));
    stopSecond();
    sockets[0]!.serverSend(event("thr_1", 3));

    assert.deepEqual(first, [1]);
    assert.deepEqual(second, [1, 2]);
    assert.deepEqual(
      sockets[0]!.frames("unsubscribe").map((f) => f.thread_id),
      ["thr_1"],
    );
    client.close();
  });

  test("a ping is sent every 15 seconds while the socket is open", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    await eventually(() => sockets.length === 1, "a socket");
    mock.timers.enable({ apis: ["setInterval"] });
    try {
      sockets[0]!.accept();
      mock.timers.tick(14_999);
      assert.equal(sockets[0]!.frames("ping").length, 0);
      mock.timers.tick(1);
      assert.equal(sockets[0]!.frames("ping").length, 1);
      mock.timers.tick(15_000);
      assert.equal(sockets[0]!.frames("ping").length, 2);
      realtime.close();
    } finally {
      mock.timers.reset();
    }
    client.close();
  });

  test("close() closes the socket with 1000, emits close without reconnecting, and rejects pending runs", async () => {
    const { client, sockets } = setup();
    const realtime = client.realtime();
    const closes = record(realtime, "close");
    await eventually(() => sockets.length === 1, "a socket");
    sockets[0]!.accept();
    const started = realtime.run("thr_1", { messages: [{ role: "user", content: "hi" }] });

    realtime.close();
    await assert.rejects(started, { code: "connection_closed" });
    await eventually(() => closes.length === 1, "close");
    assert.equal(sockets[0]!.closedByClient?.code, 1000);
    assert.deepEqual(closes[0], { code: 1000, reason: "client closed", willReconnect: false });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(sockets.length, 1);
    client.close();
  });
});

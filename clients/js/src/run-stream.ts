import { PortcullisError, errorFromBody, isAbort } from "./errors.js";
import type { Transport } from "./http.js";
import { type ReconnectOptions, backoffDelay, sleep } from "./retry.js";
import { readEvents } from "./sse.js";
import type { RunEvent, RunInput } from "./types.js";

/** A run's stream ends after the first of these. */
const FINAL_EVENTS = new Set(["run.completed", "run.failed"]);
/** `error` events that end a stream because its credential lapsed; a fresh token resumes it. */
const LAPSED_CODES = new Set(["token_expired", "token_revoked"]);
/** Give up after this many resumes in a row that brought no new event. */
const MAX_FRUITLESS_RESUMES = 5;

interface Cursor {
  /** Unknown on `POST .../runs/stream` until `run.created` names the run. */
  runId: string | undefined;
  lastEventId: string | undefined;
}

type Ending = { kind: "final" } | { kind: "dropped"; cause?: unknown } | { kind: "lapsed"; error: PortcullisError; token: string };

/** `POST /v1/threads/{id}/runs/stream`, resumed through the run's GET stream if it breaks after the run started. @internal */
export async function* streamRun(
  http: Transport,
  threadId: string,
  input: RunInput,
  signal: AbortSignal | undefined,
  reconnect: ReconnectOptions,
): AsyncGenerator<RunEvent, void, undefined> {
  const opened = await http.open("POST", `/v1/threads/${encodeURIComponent(threadId)}/runs/stream`, {
    body: { input },
    headers: { Accept: "text/event-stream" },
    signal,
  });
  yield* follow(http, threadId, { runId: undefined, lastEventId: undefined }, opened, signal, reconnect);
}

/** `GET /v1/threads/{id}/runs/{run_id}/stream` from `lastEventId`, resumed until the run ends. @internal */
export function joinRun(
  http: Transport,
  threadId: string,
  runId: string,
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
  reconnect: ReconnectOptions,
): AsyncGenerator<RunEvent, void, undefined> {
  return follow(http, threadId, { runId, lastEventId }, undefined, signal, reconnect);
}

/**
 * Relays a run's events until its final one. When the connection drops, or the credential that
 * opened it lapses (an `error` event with `token_expired` or `token_revoked`), it reopens the
 * run's GET stream with `Last-Event-ID` set to the last event relayed, after a backoff or a
 * fresh token, so that no event is lost; events at or below that id are skipped, so none is
 * repeated either.
 */
async function* follow(
  http: Transport,
  threadId: string,
  cursor: Cursor,
  opened: { response: Response; token: string } | undefined,
  signal: AbortSignal | undefined,
  reconnect: ReconnectOptions,
): AsyncGenerator<RunEvent, void, undefined> {
  let fruitless = 0;
  for (;;) {
    let ending: Ending | undefined;
    const before = cursor.lastEventId;
    if (opened === undefined) {
      try {
        opened = await http.open("GET", `/v1/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(cursor.runId!)}/stream`, {
          headers: cursor.lastEventId !== undefined ? { Accept: "text/event-stream", "Last-Event-ID": cursor.lastEventId } : { Accept: "text/event-stream" },
          signal,
        });
      } catch (error) {
        if (!transient(error)) throw error;
        ending = { kind: "dropped", cause: error };
      }
    }
    if (opened !== undefined) {
      ending = yield* relay(opened, cursor, signal);
      opened = undefined;
    }
    ending ??= { kind: "dropped" };
    if (ending.kind === "final") return;
    if (cursor.runId === undefined) {
      // Nothing names the run yet, so nothing can be rejoined; posting again would start another run.
      if (ending.kind === "lapsed") throw ending.error;
      throw new PortcullisError(0, "network_error", "The run's stream ended before the run was created.", { cause: ending.cause });
    }
    fruitless = cursor.lastEventId === before ? fruitless + 1 : 0;
    if (fruitless > MAX_FRUITLESS_RESUMES) {
      if (ending.kind === "lapsed") throw ending.error;
      throw new PortcullisError(0, "network_error", `The run's stream kept dropping; last event id ${cursor.lastEventId ?? "none"}.`, {
        cause: ending.cause,
      });
    }
    if (ending.kind === "lapsed") {
      if (!http.tokens.refreshable) throw ending.error;
      await http.tokens.renew(ending.token);
    } else {
      await sleep(backoffDelay(fruitless, reconnect), signal);
    }
  }
}

async function* relay(
  opened: { response: Response; token: string },
  cursor: Cursor,
  signal: AbortSignal | undefined,
): AsyncGenerator<RunEvent, Ending, undefined> {
  const body = opened.response.body;
  if (body === null) return { kind: "dropped" };
  const events = readEvents(body);
  try {
    for (;;) {
      let next: IteratorResult<{ id: string; event: string; data: string }>;
      try {
        next = await events.next();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (isAbort(error)) throw error;
        return { kind: "dropped", cause: error };
      }
      if (next.done) return { kind: "dropped" };
      const sse = next.value;
      if (sse.event === "error") {
        const error = errorFromBody(parseData(sse.data));
        if (LAPSED_CODES.has(error.code)) return { kind: "lapsed", error, token: opened.token };
        throw error;
      }
      if (alreadySeen(sse.id, cursor.lastEventId)) continue;
      const event: RunEvent = { id: sse.id, event: sse.event, data: parseData(sse.data) };
      if (sse.id !== "") cursor.lastEventId = sse.id;
      if (event.event === "run.created" && typeof event.data?.run?.id === "string") cursor.runId ??= event.data.run.id;
      yield event;
      if (FINAL_EVENTS.has(event.event)) return { kind: "final" };
    }
  } finally {
    await events.return(undefined); // cancels the body when the caller stops early
  }
}

/** Whether event `id` is at or below the last one relayed (a server replaying from before `Last-Event-ID`). */
function alreadySeen(id: string, last: string | undefined): boolean {
  if (last === undefined || id === "") return false;
  const a = Number(id);
  const b = Number(last);
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) && a <= b;
}

/** Failures a later attempt may not meet: the network, and the server's own `5xx`. */
function transient(error: unknown): boolean {
  return error instanceof PortcullisError && (error.status === 0 || error.status >= 500);
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

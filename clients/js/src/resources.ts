import type { Transport } from "./http.js";
import type { ReconnectOptions } from "./retry.js";
import { joinRun, streamRun } from "./run-stream.js";
import type { Agent, Message, Page, PageParams, Run, RunEvent, RunInput, Thread } from "./types.js";

/** Agents of the caller's project (API.md section 4). Creating and changing them takes a server key. */
export interface Agents {
  list(params?: PageParams): Promise<Page<Agent>>;
  get(id: string): Promise<Agent>;
  create(body: { name: string; model?: string; system?: string; metadata?: Record<string, unknown> }): Promise<Agent>;
  update(id: string, body: { name?: string; model?: string; system?: string; metadata?: Record<string, unknown> }): Promise<Agent>;
  delete(id: string): Promise<void>;
}

export interface ThreadListParams extends PageParams {
  agent_id?: string;
}

/** Threads the caller may see (API.md section 4). */
export interface Threads {
  list(params?: ThreadListParams): Promise<Page<Thread>>;
  /** `POST /v1/threads/search`: threads whose metadata equals each given value. */
  search(body?: { metadata?: Record<string, unknown>; agent_id?: string; limit?: number; after?: string }): Promise<Page<Thread>>;
  create(body: { agent_id: string; metadata?: Record<string, unknown> }): Promise<Thread>;
  get(id: string): Promise<Thread>;
  /** Merges `metadata` into the thread's: a key given `null` is removed, keys not given are kept. */
  update(id: string, body: { metadata?: Record<string, unknown> }): Promise<Thread>;
  delete(id: string): Promise<void>;
}

/** A thread's messages, oldest first, including those of its runs. */
export interface Messages {
  list(threadId: string, params?: PageParams): Promise<Page<Message>>;
  /** Appends a user message without running the agent. */
  create(threadId: string, body: { role: "user"; content: string }): Promise<Message>;
}

/** Runs of a thread's agent. */
export interface Runs {
  /** Runs the agent to completion; a failed run is returned too, with `status: "failed"`. */
  create(threadId: string, input: RunInput): Promise<Run>;
  get(threadId: string, runId: string): Promise<Run>;
  /**
   * Starts a run and yields its events as they happen (`POST .../runs/stream`). Should the
   * stream break after `run.created`, it goes on through {@link join} without losing or
   * repeating an event. Breaking out of the loop stops listening; the run goes on.
   */
  stream(threadId: string, input: RunInput, opts?: { signal?: AbortSignal }): AsyncIterable<RunEvent>;
  /**
   * Replays a run's events after `lastEventId` (all of them without it) and follows it live
   * until `run.completed` or `run.failed`. When the connection drops, or the token that opened
   * it lapses (`error` event `token_expired` / `token_revoked`), it resumes with
   * `Last-Event-ID` after a backoff or a fresh token, losing and repeating nothing; it gives up
   * with a `PortcullisError` after five resumes in a row that bring no event.
   */
  join(threadId: string, runId: string, opts?: { lastEventId?: string; signal?: AbortSignal }): AsyncIterable<RunEvent>;
}

const id = encodeURIComponent;

/** The query of a list: the API calls the cursor `after`. */
function page(params: ThreadListParams = {}): Record<string, string | number | undefined> {
  return { agent_id: params.agent_id, limit: params.limit, after: params.cursor ?? params.after };
}

/** @internal */
export function agentsOf(http: Transport): Agents {
  return {
    list: (params) => http.json("GET", "/v1/agents", { query: page(params) }),
    get: (agentId) => http.json("GET", `/v1/agents/${id(agentId)}`),
    create: (body) => http.json("POST", "/v1/agents", { body }),
    update: (agentId, body) => http.json("PATCH", `/v1/agents/${id(agentId)}`, { body }),
    delete: (agentId) => http.json("DELETE", `/v1/agents/${id(agentId)}`),
  };
}

/** @internal */
export function threadsOf(http: Transport): Threads {
  return {
    list: (params) => http.json("GET", "/v1/threads", { query: page(params) }),
    search: (body = {}) => http.json("POST", "/v1/threads/search", { body }),
    create: (body) => http.json("POST", "/v1/threads", { body }),
    get: (threadId) => http.json("GET", `/v1/threads/${id(threadId)}`),
    update: (threadId, body) => http.json("PATCH", `/v1/threads/${id(threadId)}`, { body }),
    delete: (threadId) => http.json("DELETE", `/v1/threads/${id(threadId)}`),
  };
}

/** @internal */
export function messagesOf(http: Transport): Messages {
  return {
    list: (threadId, params) => http.json("GET", `/v1/threads/${id(threadId)}/messages`, { query: page(params) }),
    create: (threadId, body) => http.json("POST", `/v1/threads/${id(threadId)}/messages`, { body }),
  };
}

/** @internal */
export function runsOf(http: Transport, reconnect: ReconnectOptions): Runs {
  return {
    create: (threadId, input) => http.json("POST", `/v1/threads/${id(threadId)}/runs`, { body: { input } }),
    get: (threadId, runId) => http.json("GET", `/v1/threads/${id(threadId)}/runs/${id(runId)}`),
    stream: (threadId, input, opts = {}) => streamRun(http, threadId, input, opts.signal, reconnect),
    join: (threadId, runId, opts = {}) => joinRun(http, threadId, runId, opts.lastEventId, opts.signal, reconnect),
  };
}

/**
 * The API's objects as the server sends them (server/src/main/resources/openapi.json):
 * snake_case fields, RFC 3339 timestamps as strings.
 */

/** The caller of a request, as `GET /v1/me` and the WebSocket's `ready` frame describe it. */
export interface Principal {
  kind: "admin" | "server" | "client" | "workspace" | "custom";
  project_id: string | null;
  identity: string;
  workspace_id: string | null;
  permissions: string[];
  /** When the credential stops being valid; `null` when it does not expire. */
  expires_at: string | null;
}

export interface Agent {
  id: string;
  name: string;
  /** `echo` or `openai:<model>`. */
  model: string;
  system: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Thread {
  id: string;
  agent_id: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Message {
  id: string;
  thread_id: string;
  /** The run the message belongs to; `null` for a message appended without a run. */
  run_id: string | null;
  role: "user" | "assistant";
  content: string;
  created_at: string;
}

export interface Run {
  id: string;
  thread_id: string;
  agent_id: string;
  /** A run that is not `running` never changes again. */
  status: "running" | "completed" | "failed";
  /** Why the run failed; `null` unless `failed`. */
  error: string | null;
  output: { messages: Message[] };
  created_at: string;
  completed_at: string | null;
}

/** One page of a list; pass `next_cursor` as `cursor` to get the next one. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Paging of every list: `limit` 1 to 200 (default 50), `cursor` a previous page's `next_cursor`. */
export interface PageParams {
  limit?: number;
  cursor?: string;
  /** The API's own name for `cursor`. */
  after?: string;
}

/** The input of a run: at least one message, appended to the thread before the agent runs. */
export interface RunInput {
  messages: { role: string; content: string }[];
}

/**
 * One event of a run's stream: `run.created`, `message.delta`, `message.completed`, and last
 * `run.completed` or `run.failed`. `id` is the SSE event id, increasing within the stream;
 * `data` is the event's JSON (see {@link RunEventData}).
 */
export interface RunEvent {
  id: string;
  event: string;
  // `any`, not a union: the event name decides the shape, and RunEventData names each one.
  data: any;
}

/** The `data` of each run event, by event name. */
export interface RunEventData {
  "run.created": { run: Run };
  "message.delta": { run_id: string; message_id: string; delta: string };
  "message.completed": { message: Message };
  "run.completed": { run: Run };
  "run.failed": { run: Run; error: { code: string; message: string } };
}

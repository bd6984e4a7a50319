// Offline stand-ins for the server: a fetch that answers from a handler and records what it
// was asked, SSE bodies that can be fed and dropped, and a WebSocket class driven by the test.

export interface Recorded {
  method: string;
  url: URL;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Handler = (request: Recorded) => Response | Promise<Response>;

/** A fetch that records each request and answers it with `handler`. */
export function fakeFetch(handler: Handler): { fetch: typeof fetch; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const fetchFunction = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) {
      headers[name.toLowerCase()] = value;
    }
    const request: Recorded = {
      method: init.method ?? "GET",
      url,
      path: url.pathname,
      headers,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    if (init.signal?.aborted) throw init.signal.reason;
    return handler(request);
  };
  return { fetch: fetchFunction as typeof fetch, requests };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** The API's error body. */
export function apiError(status: number, code: string, message = `${code}.`, requestId = "req_test"): Response {
  return json(status, { error: { code, message, request_id: requestId } }, { "X-Request-Id": requestId });
}

/** An unsigned JWT with `claims`; the SDK only reads them. */
export function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "EdDSA", typ: "at+jwt" })}.${part(claims)}.c2ln`;
}

/** One SSE event as the server writes it. */
export function sse(id: number | undefined, event: string, data: unknown): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A `text/event-stream` response fed by the test: `push` sends text, `end` closes the stream,
 * `drop` breaks it as a lost connection does.
 */
export function liveStream(): { response: Response; push(text: string): void; end(): void; drop(): void; cancelled: Promise<void> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelledResolve!: () => void;
  const cancelled = new Promise<void>((resolve) => (cancelledResolve = resolve));
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelledResolve();
    },
  });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } }),
    push: (text) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    drop: () => controller.error(new TypeError("terminated: other side closed")),
    cancelled,
  };
}

/**
 * A stream response that sends `chunks` one read at a time and then ends, or drops when `drop`
 * is set (after the last chunk was read: an errored stream discards what is still queued).
 */
export function streamOf(chunks: string[], options: { drop?: boolean } = {}): Response {
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(encoder.encode(chunks[next++]!));
      else if (options.drop) controller.error(new TypeError("terminated: other side closed"));
      else controller.close();
    },
  }, { highWaterMark: 0 });
  return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

/** The sockets a fake WebSocket class opened, in order. */
export interface FakeSockets {
  WebSocket: typeof WebSocket;
  sockets: FakeSocket[];
}

export class FakeSocket {
  readyState = 0;
  readonly sent: Record<string, any>[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  closedByClient: { code?: number; reason?: string } | undefined;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("InvalidStateError: not open");
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.closedByClient = { code, reason };
    this.readyState = 2;
    setTimeout(() => this.serverClose(code ?? 1005, reason ?? ""), 0);
  }

  /** The upgrade succeeded and the server sent `ready`. */
  accept(expiresAt: string | null = null): void {
    this.readyState = 1;
    this.onopen?.({});
    this.serverSend({ type: "ready", principal: { kind: "workspace", identity: "alice" }, expires_at: expiresAt });
  }

  serverSend(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  serverClose(code: number, reason = ""): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The frames sent so far of one type. */
  frames(type: string): Record<string, any>[] {
    return this.sent.filter((frame) => frame.type === type);
  }
}

export function fakeWebSocket(): FakeSockets {
  const sockets: FakeSocket[] = [];
  class WebSocketForTest extends FakeSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  return { WebSocket: WebSocketForTest as unknown as typeof WebSocket, sockets };
}

/** Waits until `condition` holds, polling on real timers. */
export async function eventually(condition: () => boolean, what = "condition", timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets pending promise callbacks run (without timers, so it works under mocked timers too). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

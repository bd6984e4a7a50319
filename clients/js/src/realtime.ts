import { PortcullisError, errorFromBody, isSignedOut } from "./errors.js";
import type { Transport } from "./http.js";
import { type ReconnectOptions, backoffDelay } from "./retry.js";
import { unref } from "./token.js";
import type { Principal, RunInput } from "./types.js";

/** One run event of a subscribed thread, with the id to resume after. */
export interface ThreadEvent {
  threadId: string;
  id: number;
  event: string;
  // `any` for the same reason as RunEvent.data: the event name decides the shape.
  data: any;
}

/** What each {@link Realtime} event hands its listeners. */
export interface RealtimeEvents {
  /** The server sent `ready`: the socket is authenticated; subscriptions have been (re)sent. */
  open: { principal: Principal; expiresAt: Date | null };
  /** The socket closed; `willReconnect` tells whether the SDK will open another. */
  close: { code: number; reason: string; willReconnect: boolean };
  /** An in-band refresh took: the server answered `auth.ok`. */
  auth: { expiresAt: Date | null };
  /** An `error` frame no `run()` was waiting for (a refused `subscribe` or `auth`), or a failed reconnect. */
  error: PortcullisError | Error;
  /** Getting a token or ticket was refused with 401/403: the SDK stopped reconnecting. */
  signedout: PortcullisError | Error;
}

/**
 * The realtime WebSocket of API.md section 8, kept open: it refreshes its credential in band,
 * reconnects with backoff after a drop or an expiry, and then re-subscribes each thread after
 * the last event seen, so a subscriber misses and repeats nothing.
 */
export interface Realtime {
  /**
   * Delivers the run events of `threadId`, from the thread's first (or from now on, when the
   * thread is already subscribed). Returns a function that unsubscribes this listener.
   */
  subscribe(threadId: string, onEvent: (e: ThreadEvent) => void): () => void;
  /**
   * Starts a run without waiting for it; its events reach the thread's subscribers. Resolves on
   * the server's `run.started`; rejects with the `PortcullisError` of its `error` frame, or with
   * `connection_closed` when the socket closed before either came (the run may have started).
   */
  run(threadId: string, input: RunInput): Promise<{ runId: string }>;
  on<K extends keyof RealtimeEvents>(event: K, listener: (detail: RealtimeEvents[K]) => void): () => void;
  /** Closes the socket for good; pending runs reject with `connection_closed`. */
  close(): void;
}

export interface RealtimeOptions {
  /**
   * Open the socket with a single-use ticket (`POST /v1/ws-tickets`) in `?token=` (default),
   * so that no token sits in a URL; `false` sends the token itself in the
   * `Sec-WebSocket-Protocol` header (`portcullis, bearer.<token>`).
   */
  useTicket?: boolean;
}

/** @internal */
export interface RealtimeContext {
  http: Transport;
  WebSocket: typeof WebSocket;
  reconnect: ReconnectOptions;
}

/** The server closes a socket that sent nothing for 60 s. */
const PING_INTERVAL_MS = 15_000;
/** The credential expired (4001) or was revoked (4003): reconnect with another. */
const CREDENTIAL_CLOSE_CODES = new Set([4001, 4003]);
const OPEN = 1; // WebSocket.OPEN, which an injected class may not define

interface Subscription {
  listeners: Set<{ onEvent: (e: ThreadEvent) => void }>;
  /** The last event id delivered; `after` of the next subscribe. */
  lastId: number | undefined;
}

interface PendingRun {
  frame: { type: "run"; thread_id: string; input: RunInput; request_id: string };
  sent: boolean;
  resolve: (value: { runId: string }) => void;
  reject: (error: unknown) => void;
}

type State = "connecting" | "open" | "waiting" | "closed";

/** @internal */
export class SocketRealtime implements Realtime {
  private readonly context: RealtimeContext;
  private readonly useTicket: boolean;
  private readonly url: string;
  private state: State = "connecting";
  private socket: WebSocket | undefined;
  /** The credential the server holds for the socket now. */
  private socketToken: string | undefined;
  private renewCredential = false;
  private attempt = 0;
  private requests = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions = new Map<string, Subscription>();
  /** `subscribe` request id → thread, to tell whose subscription an `error` frame refuses. */
  private readonly subscribeRequests = new Map<string, string>();
  /** `auth` request id → the token it offered. */
  private readonly authRequests = new Map<string, string>();
  private readonly runs = new Map<string, PendingRun>();
  private readonly listeners = new Map<keyof RealtimeEvents, Set<(detail: never) => void>>();
  private readonly stopWatchingTokens: () => void;

  constructor(context: RealtimeContext, baseUrl: string, options: RealtimeOptions) {
    this.context = context;
    this.useTicket = options.useTicket ?? true;
    this.url = webSocketUrl(baseUrl);
    // The scheduled refresh: hand each new token to the open socket.
    this.stopWatchingTokens = context.http.tokens.onChange((token) => this.offer(token));
    void this.connect();
  }

  subscribe(threadId: string, onEvent: (e: ThreadEvent) => void): () => void {
    let subscription = this.subscriptions.get(threadId);
    if (subscription === undefined) {
      subscription = { listeners: new Set(), lastId: undefined };
      this.subscriptions.set(threadId, subscription);
      if (this.state === "open") this.sendSubscribe(threadId, subscription);
    }
    const entry = { onEvent };
    const current = subscription;
    current.listeners.add(entry);
    return () => {
      if (!current.listeners.delete(entry) || current.listeners.size > 0) return;
      if (this.subscriptions.get(threadId) !== current) return;
      this.subscriptions.delete(threadId);
      if (this.state === "open") this.send({ type: "unsubscribe", thread_id: threadId });
    };
  }

  run(threadId: string, input: RunInput): Promise<{ runId: string }> {
    if (this.state === "closed") return Promise.reject(closedError("The realtime connection is closed."));
    return new Promise((resolve, reject) => {
      const pending: PendingRun = {
        frame: { type: "run", thread_id: threadId, input, request_id: this.nextRequestId("run") },
        sent: false,
        resolve,
        reject,
      };
      this.runs.set(pending.frame.request_id, pending);
      if (this.state === "open") this.sendRun(pending);
    });
  }

  on<K extends keyof RealtimeEvents>(event: K, listener: (detail: RealtimeEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const wrapped = (detail: never): void => listener(detail);
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  close(): void {
    if (this.state === "closed") return;
    this.stop(closedError("The realtime connection was closed."));
    this.socket?.close(1000, "client closed");
  }

  private async connect(): Promise<void> {
    const { http } = this.context;
    let token: string;
    let url = this.url;
    let protocols: string[] | undefined;
    try {
      if (this.renewCredential && this.socketToken !== undefined) await http.tokens.renew(this.socketToken);
      this.renewCredential = false;
      if (this.useTicket) {
        // The ticket stands for the token that requested it, for as long as that token lives.
        const { response, token: used } = await http.open("POST", "/v1/ws-tickets");
        const { ticket } = (await response.json()) as { ticket: string };
        token = used;
        url += `?token=${encodeURIComponent(ticket)}`;
      } else {
        token = await http.tokens.token();
        protocols = ["portcullis", `bearer.${token}`];
      }
    } catch (error) {
      if (this.state === "closed") return;
      if (isSignedOut(error)) {
        this.signOut(error as Error);
        return;
      }
      this.emit("error", error as Error);
      this.scheduleReconnect();
      return;
    }
    if (this.state === "closed") return;
    const socket = new this.context.WebSocket(url, protocols);
    this.socket = socket;
    this.socketToken = token;
    socket.onmessage = (message: MessageEvent) => {
      if (this.socket === socket && typeof message.data === "string") this.received(message.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket === socket) this.closed(event.code, event.reason);
    };
    socket.onerror = () => undefined; // the close event that follows says what a browser lets us know
  }

  private received(text: string): void {
    let frame: Record<string, any>;
    try {
      frame = JSON.parse(text);
    } catch {
      return; // the server sends JSON only
    }
    switch (frame.type) {
      case "ready":
        this.opened(frame.principal, dateOrNull(frame.expires_at));
        break;
      case "auth.ok": {
        const token = this.authRequests.get(frame.request_id);
        if (token !== undefined) {
          this.authRequests.delete(frame.request_id);
          this.socketToken = token;
        }
        this.emit("auth", { expiresAt: dateOrNull(frame.expires_at) });
        break;
      }
      case "auth.expiring":
        void this.refreshInBand();
        break;
      case "event":
        this.deliver(frame);
        break;
      case "run.started": {
        const pending = this.runs.get(frame.request_id);
        if (pending !== undefined) {
          this.runs.delete(frame.request_id);
          pending.resolve({ runId: frame.run_id });
        }
        break;
      }
      case "error":
        this.refused(frame);
        break;
      default:
        break; // pong, and frames of later servers
    }
  }

  private opened(principal: Principal, expiresAt: Date | null): void {
    this.state = "open";
    this.attempt = 0;
    this.pingTimer = setInterval(() => this.send({ type: "ping" }), PING_INTERVAL_MS);
    unref(this.pingTimer);
    for (const [threadId, subscription] of this.subscriptions) this.sendSubscribe(threadId, subscription);
    for (const pending of this.runs.values()) {
      if (!pending.sent) this.sendRun(pending);
    }
    this.emit("open", { principal, expiresAt });
    // A token fetched while the socket was opening is newer than the one the socket holds.
    const current = this.context.http.tokens.current();
    if (current !== undefined) this.offer(current);
  }

  private deliver(frame: Record<string, any>): void {
    const threadId: string = frame.thread_id;
    const subscription = this.subscriptions.get(threadId);
    const id = Number(frame.id);
    if (subscription === undefined || !Number.isFinite(id)) return;
    // After a re-subscribe the server starts after lastId; this guards a replay that overlaps.
    if (subscription.lastId !== undefined && id <= subscription.lastId) return;
    subscription.lastId = id;
    const event: ThreadEvent = { threadId, id, event: frame.event, data: frame.data };
    for (const { onEvent } of [...subscription.listeners]) call(onEvent, event);
  }

  private refused(frame: Record<string, any>): void {
    const error = errorFromBody(frame);
    const requestId: unknown = frame.request_id;
    const pending = typeof requestId === "string" ? this.runs.get(requestId) : undefined;
    if (pending !== undefined) {
      this.runs.delete(requestId as string);
      pending.reject(error);
      return;
    }
    if (typeof requestId === "string") {
      this.authRequests.delete(requestId);
      const threadId = this.subscribeRequests.get(requestId);
      // A refused subscribe would only be refused again on each reconnect.
      if (threadId !== undefined) this.subscriptions.delete(threadId);
    }
    this.emit("error", error);
  }

  /**
   * `auth.expiring`: the socket's token lapses within 30 s. Offers the token in hand, which is
   * a new one only when the token is due for refresh by its own schedule (at most half its
   * lifetime before expiry). Renewing on every warning would loop: the server warns about a
   * token shorter-lived than its 30 s notice as soon as it arrives, every time.
   */
  private async refreshInBand(): Promise<void> {
    if (this.socketToken === undefined || !this.context.http.tokens.refreshable) return;
    try {
      this.offer(await this.context.http.tokens.token());
    } catch (error) {
      this.emit("error", error as Error); // the socket lives until 4001, then reconnects
    }
  }

  /** Sends `token` in an `auth` frame unless the socket holds it or was already offered it. */
  private offer(token: string): void {
    if (this.state !== "open" || token === this.socketToken) return;
    for (const offered of this.authRequests.values()) {
      if (offered === token) return;
    }
    const requestId = this.nextRequestId("auth");
    this.authRequests.set(requestId, token);
    this.send({ type: "auth", token, request_id: requestId });
  }

  private closed(code: number, reason: string): void {
    this.socket = undefined;
    clearInterval(this.pingTimer);
    this.authRequests.clear();
    this.subscribeRequests.clear();
    for (const [requestId, pending] of this.runs) {
      if (!pending.sent) continue; // not sent yet: it goes out on the next socket
      this.runs.delete(requestId);
      pending.reject(closedError("The connection closed before the server confirmed the run; it may have started."));
    }
    const lapsed = CREDENTIAL_CLOSE_CODES.has(code);
    // A static token that expired or was revoked will not get better; reconnecting with it
    // would be refused forever (and, without a ticket, invisibly: browsers hide the 401).
    const hopeless = lapsed && !this.context.http.tokens.refreshable;
    const willReconnect = this.state !== "closed" && !hopeless;
    this.emit("close", { code, reason, willReconnect });
    if (this.state === "closed") return;
    if (hopeless) {
      this.signOut(closeError(code, reason));
      return;
    }
    this.state = "waiting";
    if (lapsed) this.renewCredential = true;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.state = "waiting";
    const delay = backoffDelay(this.attempt++, this.context.reconnect);
    this.reconnectTimer = setTimeout(() => {
      this.state = "connecting";
      void this.connect();
    }, delay);
  }

  private signOut(error: Error): void {
    this.stop(error);
    this.emit("signedout", error);
  }

  /** Ends for good: no reconnect, no refresh, pending runs rejected with `error`. */
  private stop(error: Error): void {
    this.state = "closed";
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.stopWatchingTokens();
    for (const pending of this.runs.values()) pending.reject(error);
    this.runs.clear();
  }

  private sendSubscribe(threadId: string, subscription: Subscription): void {
    const requestId = this.nextRequestId("subscribe");
    this.subscribeRequests.set(requestId, threadId);
    this.send({
      type: "subscribe",
      thread_id: threadId,
      request_id: requestId,
      ...(subscription.lastId !== undefined ? { after: subscription.lastId } : {}),
    });
  }

  private sendRun(pending: PendingRun): void {
    pending.sent = this.send(pending.frame);
  }

  private send(frame: object): boolean {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false; // closing under us: the close event follows
    }
  }

  private emit<K extends keyof RealtimeEvents>(event: K, detail: RealtimeEvents[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) call(listener as (d: RealtimeEvents[K]) => void, detail);
  }

  private nextRequestId(kind: string): string {
    return `${kind}_${++this.requests}_${Math.random().toString(36).slice(2, 8)}`;
  }
}

/** `ws:` or `wss:` URL of `GET /v1/ws` on the server at `baseUrl` (resolved against the page in a browser). */
function webSocketUrl(baseUrl: string): string {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  const url = new URL(`${baseUrl}/v1/ws`, page);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** The refusal a 4001 or 4003 close stands for; its reason reads `<code>: <message>`. */
function closeError(code: number, reason: string): PortcullisError {
  const match = /^([a-z_]+): (.*)$/s.exec(reason);
  return new PortcullisError(401, match?.[1] ?? (code === 4001 ? "token_expired" : "token_revoked"), match?.[2] ?? reason);
}

function closedError(message: string): PortcullisError {
  return new PortcullisError(0, "connection_closed", message);
}

function dateOrNull(value: unknown): Date | null {
  const time = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isFinite(time) ? new Date(time) : null;
}

/** Calls a listener; its exception is reported as uncaught, as an event listener's is, and stops nothing else. */
function call<T>(listener: (detail: T) => void, detail: T): void {
  try {
    listener(detail);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

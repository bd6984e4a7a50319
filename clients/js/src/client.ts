import { type FetchFunction, Transport, lookupExpiry } from "./http.js";
import { type Realtime, type RealtimeOptions, SocketRealtime } from "./realtime.js";
import { type Agents, type Messages, type Runs, type Threads, agentsOf, messagesOf, runsOf, threadsOf } from "./resources.js";
import type { ReconnectOptions } from "./retry.js";
import { type TokenGrant, type TokenInfo, TokenSource } from "./token.js";
import type { Principal } from "./types.js";

export interface PortcullisOptions {
  /** The server, e.g. `http://127.0.0.1:8080`; a trailing slash is ignored. */
  baseUrl: string;
  /** A static credential, never refreshed. Give this or `getToken`. */
  token?: string;
  /**
   * Fetches a token, typically from your backend, which mints it with its server key. Called
   * for the first token, before each token expires, and once after the server refuses one.
   * It may return the mint response as it is (`{token, expires_at}`); otherwise the expiry is
   * read from the JWT's `exp`, or asked of `GET /v1/me`. Throw an error with `status` 401 or
   * 403 when the user is signed out: a realtime connection then stops reconnecting.
   */
  getToken?: () => Promise<string | TokenGrant>;
  /** Refresh this long before expiry; default 30, never more than half the token's lifetime. */
  refreshMarginSeconds?: number;
  /** Default `globalThis.fetch`. */
  fetch?: FetchFunction;
  /** Default `globalThis.WebSocket` (Node 20 has none: pass one to use {@link Portcullis.realtime}). */
  WebSocket?: typeof WebSocket;
  /** Called after each token fetched from `getToken`. */
  onTokenChange?: (info: TokenInfo) => void;
  /** The backoff of realtime reconnects and run-stream resumes: 250 ms doubling to 10 s by default. */
  reconnect?: ReconnectOptions;
}

/**
 * A client of one Portcullis server acting as one caller. Requests carry the caller's token
 * as `Authorization: Bearer`; a request refused with an expired, revoked or invalid token is
 * retried once with a fresh one from `getToken`. Every failure is a `PortcullisError`.
 */
export class Portcullis {
  readonly agents: Agents;
  readonly threads: Threads;
  readonly messages: Messages;
  readonly runs: Runs;
  private readonly http: Transport;
  private readonly options: PortcullisOptions;
  private readonly realtimes = new Set<Realtime>();

  constructor(options: PortcullisOptions) {
    if (typeof options?.baseUrl !== "string" || options.baseUrl === "") throw new TypeError("Portcullis: baseUrl is required");
    if ((options.token === undefined) === (options.getToken === undefined)) {
      throw new TypeError("Portcullis: give exactly one of token and getToken");
    }
    const margin = options.refreshMarginSeconds ?? 30;
    if (!(margin >= 0)) throw new TypeError("Portcullis: refreshMarginSeconds must be zero or more");
    this.options = options;
    const baseUrl = options.baseUrl.replace(/\/+$/, "");
    const chosen = options.fetch;
    const fetchFunction: FetchFunction = (input, init) => {
      const f = chosen ?? globalThis.fetch;
      if (typeof f !== "function") throw new TypeError("Portcullis: no fetch here; pass options.fetch");
      return f.call(globalThis, input, init); // browsers refuse fetch called on another `this`
    };
    const tokens = new TokenSource({
      token: options.token,
      getToken: options.getToken,
      refreshMarginSeconds: margin,
      lookupExpiry: (token) => lookupExpiry(fetchFunction, baseUrl, token),
    });
    if (options.onTokenChange !== undefined) {
      const onTokenChange = options.onTokenChange;
      tokens.onChange((_token, info) => onTokenChange(info));
    }
    this.http = new Transport(baseUrl, fetchFunction, tokens);
    const reconnect = options.reconnect ?? {};
    this.agents = agentsOf(this.http);
    this.threads = threadsOf(this.http);
    this.messages = messagesOf(this.http);
    this.runs = runsOf(this.http, reconnect);
  }

  /** When the current token expires, and how many times it was refreshed. */
  tokenInfo(): TokenInfo {
    return this.http.tokens.info();
  }

  /** `GET /v1/me`: who the token stands for. */
  me(): Promise<Principal> {
    return this.http.json("GET", "/v1/me");
  }

  /**
   * Opens the realtime WebSocket (API.md section 8) and keeps it open until its `close()`;
   * see {@link Realtime}. By default it opens with a single-use ticket from `POST /v1/ws-tickets`.
   */
  realtime(opts: RealtimeOptions = {}): Realtime {
    const WebSocketClass = this.options.WebSocket ?? (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
    if (WebSocketClass === undefined) throw new TypeError("Portcullis: no WebSocket here; pass options.WebSocket");
    const realtime = new SocketRealtime(
      { http: this.http, WebSocket: WebSocketClass, reconnect: this.options.reconnect ?? {} },
      this.http.baseUrl,
      opts,
    );
    this.realtimes.add(realtime);
    realtime.on("close", ({ willReconnect }) => {
      if (!willReconnect) this.realtimes.delete(realtime);
    });
    realtime.on("signedout", () => this.realtimes.delete(realtime));
    return realtime;
  }

  /** Closes every realtime connection and stops the scheduled token refresh. */
  close(): void {
    for (const realtime of [...this.realtimes]) realtime.close();
    this.realtimes.clear();
    this.http.tokens.close();
  }
}

/**
 * What `getToken` may return: the token alone, or the mint response of `POST /v1/client-tokens`
 * or `POST /v1/workspace-tokens` as it is (`{token, expires_at, ...}`), which tells the expiry
 * without decoding the token or asking the server.
 */
export interface TokenGrant {
  token: string;
  /** RFC 3339, as the mint responses carry it. */
  expires_at?: string | null;
  /** Seconds from now, as `POST /v1/workspace-tokens` also carries it. */
  expires_in?: number | null;
  expiresAt?: Date | string | null;
}

/** The state of the credential, for display and for tests. */
export interface TokenInfo {
  /** When the current token expires; `null` while unknown, or when it does not expire. */
  expiresAt: Date | null;
  /** How many times `getToken` was called after the first. */
  refreshes: number;
}

interface Held {
  token: string;
  expiresAt: number | null;
  /** When to fetch the next token; `null` when the token does not expire (or nobody knows when). */
  refreshAt: number | null;
}

export interface TokenSourceOptions {
  token?: string;
  getToken?: () => Promise<string | TokenGrant>;
  refreshMarginSeconds: number;
  /** Asks the server when `token` expires (`GET /v1/me`); used when neither the grant nor the token says. */
  lookupExpiry: (token: string) => Promise<Date | null>;
}

// setTimeout takes a signed 32-bit delay; longer ones fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The credential of one client: a static token, or tokens from `getToken`, fetched on first
 * use and again before they expire (at expiry minus the margin, the margin being at most half
 * the token's lifetime) or when the server refuses one. Concurrent callers share one
 * `getToken` call.
 *
 * @internal
 */
export class TokenSource {
  private readonly options: TokenSourceOptions;
  private readonly staticExpiry: number | null;
  private held: Held | undefined;
  private pending: Promise<string> | undefined;
  private calls = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly listeners = new Set<(token: string, info: TokenInfo) => void>();

  constructor(options: TokenSourceOptions) {
    this.options = options;
    this.staticExpiry = options.token !== undefined ? jwtExpiry(options.token) : null;
  }

  /** Whether a refused token can be replaced: only with `getToken`. */
  get refreshable(): boolean {
    return this.options.getToken !== undefined;
  }

  info(): TokenInfo {
    const expiresAt = this.options.token !== undefined ? this.staticExpiry : this.held?.expiresAt ?? null;
    return { expiresAt: expiresAt === null ? null : new Date(expiresAt), refreshes: Math.max(0, this.calls - 1) };
  }

  /** The token in hand, without fetching one; `undefined` before the first. */
  current(): string | undefined {
    return this.options.token ?? this.held?.token;
  }

  /**
   * A token to send now: the one in hand unless it is due for refresh. When a due refresh
   * fails while the old token is still valid, the old one is used and the next call tries again.
   */
  async token(): Promise<string> {
    if (this.options.token !== undefined) return this.options.token;
    if (this.pending) return this.pending;
    const held = this.held;
    if (held === undefined) return this.fetch();
    if (held.refreshAt === null || Date.now() < held.refreshAt) return held.token;
    try {
      return await this.fetch();
    } catch (error) {
      if (held.expiresAt !== null && Date.now() < held.expiresAt) return held.token;
      throw error;
    }
  }

  /**
   * A token other than `stale`, which the server refused or is about to: the one in hand if
   * someone already replaced `stale`, else a new one from `getToken` (one call, shared by
   * concurrent callers). A static token is returned as it is.
   */
  renew(stale: string): Promise<string> {
    if (this.options.token !== undefined) return Promise.resolve(this.options.token);
    if (this.pending) return this.pending;
    if (this.held !== undefined && this.held.token !== stale) return Promise.resolve(this.held.token);
    return this.fetch();
  }

  /** Calls `listener` after each token fetched; returns a function that stops it. */
  onChange(listener: (token: string, info: TokenInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the scheduled refresh; later calls still fetch tokens on demand. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private fetch(): Promise<string> {
    const attempt = this.fetchOnce();
    this.pending = attempt;
    const settle = (): void => {
      if (this.pending === attempt) this.pending = undefined;
    };
    attempt.then(settle, settle);
    return attempt;
  }

  private async fetchOnce(): Promise<string> {
    const getToken = this.options.getToken;
    if (getToken === undefined) throw new TypeError("Portcullis: no token and no getToken");
    this.calls++;
    const grant = await getToken();
    const token = typeof grant === "string" ? grant : grant?.token;
    if (typeof token !== "string" || token === "") {
      throw new TypeError("Portcullis: getToken must return a token or {token, expires_at}");
    }
    const obtainedAt = Date.now();
    let expiresAt = grantExpiry(grant, obtainedAt) ?? jwtExpiry(token);
    if (expiresAt === null) {
      // An opaque token (a client token returned as a bare string): the server knows its expiry.
      const looked = await this.options.lookupExpiry(token).catch(() => null);
      expiresAt = looked === null ? null : looked.getTime();
    }
    this.held = { token, expiresAt, refreshAt: refreshTime(obtainedAt, expiresAt, this.options.refreshMarginSeconds) };
    this.schedule();
    const info = this.info();
    for (const listener of [...this.listeners]) {
      try {
        listener(token, info);
      } catch (error) {
        queueMicrotask(() => {
          throw error; // reported as uncaught, as an event listener's would be
        });
      }
    }
    return token;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const refreshAt = this.held?.refreshAt;
    if (this.closed || refreshAt == null) return;
    const delay = refreshAt - Date.now();
    // A token already due is refreshed on its next use instead: a timer here could spin on
    // a getToken that keeps returning expired tokens.
    if (delay <= 0) return;
    this.timer = setTimeout(() => {
      if (!this.pending) this.fetch().catch(() => undefined); // retried on the next use
    }, Math.min(delay, MAX_TIMER_MS));
    unref(this.timer);
  }
}

/** When to refresh a token obtained at `obtainedAt`: the margin before expiry, at most half its lifetime. */
function refreshTime(obtainedAt: number, expiresAt: number | null, marginSeconds: number): number | null {
  if (expiresAt === null) return null;
  const lifetime = expiresAt - obtainedAt;
  if (lifetime <= 0) return obtainedAt;
  return expiresAt - Math.min(marginSeconds * 1000, lifetime / 2);
}

function grantExpiry(grant: string | TokenGrant, now: number): number | null {
  if (typeof grant === "string") return null;
  const at = grant.expiresAt ?? grant.expires_at;
  if (at != null) {
    const time = at instanceof Date ? at.getTime() : Date.parse(at);
    if (Number.isFinite(time)) return time;
  }
  if (typeof grant.expires_in === "number" && Number.isFinite(grant.expires_in)) return now + grant.expires_in * 1000;
  return null;
}

/**
 * The `exp` of a JWT, in milliseconds; `null` for anything else. The claims are read, not
 * verified: the SDK only needs to know when to ask for the next token, and the server checks it.
 */
export function jwtExpiry(token: string): number | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const segment = parts[1]!;
    const base64 = segment.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(segment.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const exp = typeof claims === "object" && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Lets Node exit while only a timer of ours is pending; browsers' timers have no unref. */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

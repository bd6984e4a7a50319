import { PortcullisError, REFRESHABLE_CODES, errorFromResponse, isAbort } from "./errors.js";
import type { TokenSource } from "./token.js";

export type FetchFunction = typeof fetch;
type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON; also when the request is retried with a fresh token. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Authenticated requests to one server. A request refused with `401` and a code a fresh token
 * may cure (`invalid_token`, `token_expired`, `token_revoked`) is sent once more with a token
 * other than the refused one; a second refusal is thrown. Nothing is retried twice.
 *
 * @internal
 */
export class Transport {
  constructor(
    readonly baseUrl: string,
    private readonly fetchFunction: FetchFunction,
    readonly tokens: TokenSource,
  ) {}

  /** The response's JSON; `undefined` for `204`. @throws PortcullisError for a non-2xx response */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { response } = await this.open(method, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /**
   * A 2xx response, its body unread, and the token it was obtained with.
   * @throws PortcullisError for a non-2xx response or when the server cannot be reached
   */
  async open(method: string, path: string, options: RequestOptions = {}): Promise<{ response: Response; token: string }> {
    const token = await this.tokens.token();
    const response = await this.send(method, path, token, options);
    if (response.status !== 401 || !this.tokens.refreshable) return { response: await ok(response), token };
    const refusal = await errorFromResponse(response);
    if (!REFRESHABLE_CODES.has(refusal.code)) throw refusal;
    const fresh = await this.tokens.renew(token);
    return { response: await ok(await this.send(method, path, fresh, options)), token: fresh };
  }

  /** One request with `token`, without retrying. */
  send(method: string, path: string, token: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers, Authorization: `Bearer ${token}` };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    return call(this.fetchFunction, this.url(path, options.query), { method, headers, body, signal: options.signal });
  }

  url(path: string, query?: Query): string {
    let url = this.baseUrl + path;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) params.set(name, String(value));
    }
    const search = params.toString();
    if (search !== "") url += `?${search}`;
    return url;
  }
}

/** `fetch`, with a failure to reach the server turned into a `network_error`. */
export async function call(fetchFunction: FetchFunction, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFunction(url, init);
  } catch (error) {
    if (isAbort(error, init.signal ?? undefined)) throw error;
    throw new PortcullisError(0, "network_error", `Could not reach ${url}: ${messageOf(error)}`, { cause: error });
  }
}

/** When `token` expires, from `GET /v1/me`; `null` when it does not or the server would not say. */
export async function lookupExpiry(fetchFunction: FetchFunction, baseUrl: string, token: string): Promise<Date | null> {
  const response = await call(fetchFunction, `${baseUrl}/v1/me`, {
    headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
  });
  if (!response.ok) return null;
  const principal = (await response.json()) as { expires_at?: unknown };
  const time = typeof principal.expires_at === "string" ? Date.parse(principal.expires_at) : NaN;
  return Number.isFinite(time) ? new Date(time) : null;
}

async function ok(response: Response): Promise<Response> {
  if (response.ok) return response;
  throw await errorFromResponse(response);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

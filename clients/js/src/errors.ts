/**
 * A refusal by the server, or a failure to reach it. `code` is the API's stable snake_case code
 * (API.md section 1: `not_found`, `token_expired`, `insufficient_scope`, ...) to match on;
 * `status` its HTTP status. Failures the SDK finds itself have `status` 0 and the codes
 * `network_error` (the server could not be reached or the connection dropped) and
 * `connection_closed` (a WebSocket closed before answering a request).
 */
export class PortcullisError extends Error {
  readonly status: number;
  readonly code: string;
  /** The server's request id (`req_…`); quote it when reporting a problem. */
  readonly requestId?: string;
  /** Seconds to wait before trying again, from `Retry-After` (on `429 rate_limited`). */
  readonly retryAfter?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    details: { requestId?: string; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "PortcullisError";
    this.status = status;
    this.code = code;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}

// API.md section 1: each code has one status. Where several codes share a status, the first
// is the one a body-less response of that status is given.
const STATUS_OF: Record<string, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_token: 401,
  token_expired: 401,
  token_revoked: 401,
  forbidden: 403,
  insufficient_scope: 403,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** 401 codes that a fresh token from `getToken` may cure. */
export const REFRESHABLE_CODES: ReadonlySet<string> = new Set(["invalid_token", "token_expired", "token_revoked"]);

function codeOfStatus(status: number): string {
  for (const code in STATUS_OF) {
    if (STATUS_OF[code] === status) return code;
  }
  return status >= 500 ? "internal" : `http_${status}`;
}

/** The error for a non-2xx response; reads its body. */
export async function errorFromResponse(response: Response): Promise<PortcullisError> {
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined; // a proxy's HTML page, or nothing: fall back on the status
  }
  const retryAfter = Number(response.headers.get("Retry-After") ?? NaN);
  return errorFromBody(body, response.status, {
    requestId: response.headers.get("X-Request-Id") ?? undefined,
    retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
  });
}

/**
 * The error that an API error object describes: the REST body `{"error": {code, message,
 * request_id}}`, or the bare `{code, message, request_id}` of an SSE `error` event or a
 * WebSocket `error` frame. `status` defaults to the code's.
 */
export function errorFromBody(
  body: unknown,
  status?: number,
  fallback: { requestId?: string; retryAfter?: number } = {},
): PortcullisError {
  const outer = isObject(body) && isObject(body.error) ? body.error : body;
  const code = isObject(outer) && typeof outer.code === "string" ? outer.code : undefined;
  const resolvedStatus = status ?? (code !== undefined ? STATUS_OF[code] ?? 0 : 0);
  const message = isObject(outer) && typeof outer.message === "string" ? outer.message : `HTTP ${resolvedStatus}`;
  const requestId = isObject(outer) && typeof outer.request_id === "string" ? outer.request_id : fallback.requestId;
  return new PortcullisError(resolvedStatus, code ?? codeOfStatus(resolvedStatus), message, {
    requestId,
    retryAfter: fallback.retryAfter,
  });
}

/** Whether `error` says the caller is no longer let in: a 401 or 403, from the API or from `getToken`. */
export function isSignedOut(error: unknown): boolean {
  const status = isObject(error) ? error.status : undefined;
  return status === 401 || status === 403;
}

/** Whether `error` is the abort of a request or stream the caller cancelled. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (isObject(error) && error.name === "AbortError");
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

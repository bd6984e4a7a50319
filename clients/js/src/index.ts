/**
 * The Portcullis client: REST resources, run streams over SSE, and the realtime WebSocket, with
 * token refresh. No dependencies; runs in browsers and in Node 20+.
 */
export { Portcullis, type PortcullisOptions } from "./client.js";
export { PortcullisError } from "./errors.js";
export type { TokenGrant, TokenInfo } from "./token.js";
export type { Realtime, RealtimeEvents, RealtimeOptions, ThreadEvent } from "./realtime.js";
export type { Agents, Messages, Runs, ThreadListParams, Threads } from "./resources.js";
export type { ReconnectOptions } from "./retry.js";
export type {
  Agent,
  Message,
  Page,
  PageParams,
  Principal,
  Run,
  RunEvent,
  RunEventData,
  RunInput,
  Thread,
} from "./types.js";

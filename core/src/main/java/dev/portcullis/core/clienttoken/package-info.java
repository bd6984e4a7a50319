/**
 * Client-side tokens (API.md section 5): scoped to a policy of agents and threads, bound to an
 * origin, short-lived and revocable on every server. What they may do is decided by the
 * authorization engine's credential limits ({@code dev.portcullis.core.authz}).
 */
package dev.portcullis.core.clienttoken;

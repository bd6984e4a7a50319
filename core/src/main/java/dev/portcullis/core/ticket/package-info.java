/**
 * Single-use tickets (API.md section 2) that stand for a caller's credential in a URL for one
 * WebSocket upgrade or GET stream, so that no long-lived credential ever sits in one.
 */
package dev.portcullis.core.ticket;

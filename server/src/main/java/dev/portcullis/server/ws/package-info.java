/** The frames and lifetime of one authenticated WebSocket connection (API.md section 8). */
package dev.portcullis.server.ws;

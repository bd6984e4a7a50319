/** Server-sent event streams of runs over plain HTTP responses. */
package dev.portcullis.server.sse;

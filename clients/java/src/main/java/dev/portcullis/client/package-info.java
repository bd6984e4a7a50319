/** A Java client for Portcullis's HTTP API (agents, client and workspace tokens, auth rules), for integrators' backends. */
package dev.portcullis.client;

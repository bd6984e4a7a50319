/** The HTTP API: route table, request gate (authentication then authorization), handlers, errors. */
package dev.portcullis.server.http;

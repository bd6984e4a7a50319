/** The {@code portcullis} command line: serve, demo, admin-key. */
package dev.portcullis.server.cli;

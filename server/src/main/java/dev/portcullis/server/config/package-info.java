/** The server's configuration: one record, defaults in one place, flags over environment over file. */
package dev.portcullis.server.config;

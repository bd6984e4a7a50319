/** JDBC implementations of the store ports on SQLite (embedded) and PostgreSQL (shared). */
package dev.portcullis.store;

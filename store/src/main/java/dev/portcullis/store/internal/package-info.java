/** The JDBC plumbing and per-table stores behind {@link dev.portcullis.store.JdbcStore}. */
package dev.portcullis.store.internal;

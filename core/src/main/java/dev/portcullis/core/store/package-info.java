/**
 * The storage ports: what the domain needs from a database, and nothing about how.
 * Every read of agents and threads takes an {@link dev.portcullis.core.authz.Scope}, which the
 * implementation must apply inside its query, so that lists and pages stay correct.
 */
package dev.portcullis.core.store;

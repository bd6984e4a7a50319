/** The authorization step: operations, decisions, the scope and filter that storage applies. */
package dev.portcullis.core.authz;

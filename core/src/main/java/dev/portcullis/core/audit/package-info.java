/** The audit log: who was refused or created or revoked what, with the request id, never a secret. */
package dev.portcullis.core.audit;

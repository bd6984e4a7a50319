/** Identity-provider rules: which issuers' JWTs a project accepts, and how they map to workspaces. */
package dev.portcullis.core.authrule;

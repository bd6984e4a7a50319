/** Workspace tokens' lifecycle outside JOSE: revocation, followed by every server. */
package dev.portcullis.core.workspace;

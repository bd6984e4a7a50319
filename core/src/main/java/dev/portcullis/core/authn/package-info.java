/** The authenticator chain that turns any credential into a principal or a refusal. */
package dev.portcullis.core.authn;

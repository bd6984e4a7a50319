/**
 * An example authorization plugin: which agents each workspace may chat with, read from a file,
 * as a product's plans would decide it.
 */
package dev.portcullis.plugins.entitlements;

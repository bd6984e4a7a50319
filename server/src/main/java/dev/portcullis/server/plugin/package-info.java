/** Loads plugins (authenticators and authorization handlers) from the jars of the {@code plugins} directory with {@link java.util.ServiceLoader}. */
package dev.portcullis.server.plugin;

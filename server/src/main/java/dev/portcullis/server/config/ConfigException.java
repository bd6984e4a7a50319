package dev.portcullis.server.config;

/** A configuration value is missing or bad; the message names the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}

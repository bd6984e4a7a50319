package dev.portcullis.core.authz;

import java.util.Locale;

/** The resources of API.md section 7, with their wire names. */
public enum Resource {
  AGENTS,
  THREADS,
  PROJECTS,
  API_KEYS,
  CLIENT_TOKENS,
  WORKSPACE_TOKENS,
  AUTH_RULES,
  SIGNING_KEYS,
  AUDIT,
  SESSIONS,
  PUBLIC;

  // Computed once: the engine names operations on every request.
  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }
}

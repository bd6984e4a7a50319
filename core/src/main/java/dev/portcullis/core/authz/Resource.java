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

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package dev.portcullis.core.authz;

import java.util.Locale;

/** The actions of API.md section 7 (LangGraph's vocabulary); listing is {@link #SEARCH}. */
public enum Action {
  CREATE,
  READ,
  UPDATE,
  DELETE,
  SEARCH,
  CREATE_RUN;

  // Computed once: the engine names operations on every request.
  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }
}

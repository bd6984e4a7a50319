package dev.portcullis.core.store;

import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.AgentThread;
import java.util.Map;
import java.util.Optional;

/** Threads; every read and write is confined to a {@link Scope}. */
public interface ThreadStore {

  AgentThread create(String projectId, String agentId, Map<String, Object> metadata);

  Optional<AgentThread> find(Scope scope, String id);

  /**
   * Threads in scope that match {@code query}: the given agent, and every given metadata key
   * equal.
   */
  Page<AgentThread> search(Scope scope, ThreadQuery query, PageRequest page);

  /** Replaces the metadata. @return empty when not in scope */
  Optional<AgentThread> updateMetadata(Scope scope, String id, Map<String, Object> metadata);

  boolean delete(Scope scope, String id);

  record ThreadQuery(Optional<String> agentId, Map<String, Object> metadata) {
    public static final ThreadQuery ALL = new ThreadQuery(Optional.empty(), Map.of());
  }
}

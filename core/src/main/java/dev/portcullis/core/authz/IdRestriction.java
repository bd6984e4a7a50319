package dev.portcullis.core.authz;

import java.util.Set;

/**
 * A restriction on a resource's own columns rather than its metadata, which is how a client
 * token's grants reach (API.md section 5): a resource passes when its {@code id} is one of
 * {@code ids} or, for threads, its {@code agent_id} is one of {@code agentIds}. Nothing passes
 * when both are empty. Agents have no {@code agent_id}: for them only {@code ids} counts.
 * Immutable.
 */
public record IdRestriction(Set<String> ids, Set<String> agentIds) {

  public IdRestriction {
    ids = Set.copyOf(ids);
    agentIds = Set.copyOf(agentIds);
  }
}

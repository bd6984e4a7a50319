package dev.portcullis.core.jwt;

import dev.portcullis.core.store.RevocationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The revocation log in a list. Thread-safe. */
public final class InMemoryRevocationStore implements RevocationStore {

  private final List<Revocation> log = new ArrayList<>();

  @Override
  public synchronized Revocation revokeToken(String projectId, String jti, Instant at) {
    return append(new Revocation(log.size() + 1, projectId, Optional.of(jti), Optional.empty(), at));
  }

  @Override
  public synchronized Revocation revokeWorkspace(String projectId, String workspaceId, Instant at) {
    return append(new Revocation(log.size() + 1, projectId, Optional.empty(), Optional.of(workspaceId), at));
  }

  @Override
  public synchronized List<Revocation> after(long seq) {
    return List.copyOf(log.subList((int) Math.min(seq, log.size()), log.size()));
  }

  private Revocation append(Revocation r) {
    log.add(r);
    return r;
  }
}

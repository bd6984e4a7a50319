package dev.portcullis.bench;

import dev.portcullis.core.clienttoken.ClientToken;
import dev.portcullis.core.store.ClientTokenStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Client tokens in a map by hash, for benchmarks that must not measure a database. */
final class InMemoryClientTokenStore implements ClientTokenStore {

  private final Map<String, ClientToken> byHash = new ConcurrentHashMap<>();

  @Override
  public void insert(ClientToken token) {
    byHash.put(token.hash(), token);
  }

  @Override
  public Optional<ClientToken> findByHash(String hash) {
    return Optional.ofNullable(byHash.get(hash));
  }

  @Override
  public Optional<ClientToken> find(String projectId, String id) {
    return byHash.values().stream().filter(t -> t.projectId().equals(projectId) && t.id().equals(id)).findFirst();
  }

  @Override
  public Page<ClientToken> listLive(String projectId, Instant now, PageRequest page) {
    return new Page<>(List.of(), Optional.empty());
  }

  @Override
  public boolean revoke(String projectId, String id, Instant at) {
    return false;
  }

  @Override
  public boolean anyLiveWithHostname(String hostname, Instant now) {
    return false;
  }
}

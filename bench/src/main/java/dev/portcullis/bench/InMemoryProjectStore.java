package dev.portcullis.bench;

import dev.portcullis.core.domain.Project;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.ProjectStore;
import java.util.Optional;

/**
 * A {@link ProjectStore} that holds only the admin key's hash: all that
 * {@code AdminKeyAuthenticator} reads. Immutable.
 */
final class InMemoryProjectStore implements ProjectStore {

  private final String adminKeyHash;

  InMemoryProjectStore(String adminKeyHash) {
    this.adminKeyHash = adminKeyHash;
  }

  @Override
  public Optional<String> adminKeyHash() {
    return Optional.of(adminKeyHash);
  }

  @Override
  public Project create(String name) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public Optional<Project> find(String id) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public Page<Project> list(PageRequest page) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public boolean delete(String id) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public boolean initAdminKeyHash(String hash) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public void replaceAdminKeyHash(String hash) {
    throw new UnsupportedOperationException("not on the authentication path");
  }
}

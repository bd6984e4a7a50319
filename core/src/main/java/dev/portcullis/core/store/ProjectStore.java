package dev.portcullis.core.store;

import dev.portcullis.core.domain.Project;
import java.util.Optional;

/** Projects, and the admin key that manages them. */
public interface ProjectStore {

  Project create(String name);

  Optional<Project> find(String id);

  Page<Project> list(PageRequest page);

  /** Deletes the project and everything in it. @return whether it existed */
  boolean delete(String id);

  /** The SHA-256 of the admin key, once one has been set. */
  Optional<String> adminKeyHash();

  /**
   * Stores {@code hash} as the admin key's unless one is stored already; safe when several
   * servers start at once on one database. @return whether this call stored it
   */
  boolean initAdminKeyHash(String hash);

  /** Replaces the admin key's hash (rotation). */
  void replaceAdminKeyHash(String hash);
}

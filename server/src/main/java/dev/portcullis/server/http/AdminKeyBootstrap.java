package dev.portcullis.server.http;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.ProjectStore;
import dev.portcullis.server.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure an admin key exists (API.md section 2): {@code PORTCULLIS_ADMIN_KEY} when set
 * (setting a different one later rotates it); otherwise, on the first start against an empty
 * database, a generated key written to {@code <data>/admin.key} with mode 0600 and printed
 * once. Only its hash is stored.
 */
final class AdminKeyBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(AdminKeyBootstrap.class);
  static final String FILE_NAME = "admin.key";

  private AdminKeyBootstrap() {}

  /** @return the admin key when this call generated it, so that it can be shown once */
  static Optional<String> ensure(ProjectStore store, Optional<String> fromEnvironment, Path dataDir) {
    if (fromEnvironment.isPresent()) {
      String key = fromEnvironment.get().strip();
      if (!OpaqueSecrets.isWellFormed(key, SecretKind.ADMIN_KEY)) {
        throw new ConfigException("PORTCULLIS_ADMIN_KEY must be a pc_ak_ key with a valid checksum; "
            + "generate one with ./portcullis admin-key");
      }
      String hash = OpaqueSecrets.hash(key);
      if (!store.initAdminKeyHash(hash) && !store.adminKeyHash().orElse("").equals(hash)) {
        store.replaceAdminKeyHash(hash);
        LOG.info("admin key replaced by the one in PORTCULLIS_ADMIN_KEY");
      }
      return Optional.empty();
    }
    if (store.adminKeyHash().isPresent()) {
      return Optional.empty();
    }
    OpaqueSecrets.Minted minted = OpaqueSecrets.mint(SecretKind.ADMIN_KEY);
    if (!store.initAdminKeyHash(minted.hash())) {
      return Optional.empty(); // another server sharing the database got there first
    }
    writeKeyFile(dataDir.resolve(FILE_NAME), minted.value());
    return Optional.of(minted.value());
  }

  private static void writeKeyFile(Path file, String key) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, key + "\n");
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("could not write {}: {}", file, e.toString());
    }
  }
}

package dev.portcullis.server.http;

import dev.portcullis.core.jwt.KeyEncryption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where the key that encrypts signing keys at rest comes from: {@code key-encryption-key}
 * ({@code PORTCULLIS_KEY_ENCRYPTION_KEY}) when set, which several servers sharing a database
 * must do; otherwise {@code <data>/key-encryption.key}, generated with mode 0600 on first start.
 */
final class KeyEncryptionKeyFile {

  static final String FILE_NAME = "key-encryption.key";

  private KeyEncryptionKeyFile() {}

  static KeyEncryption load(Optional<String> configured, Path dataDir) {
    if (configured.isPresent()) {
      return KeyEncryption.fromBase64(configured.get());
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dataDir);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, KeyEncryption.generateBase64() + "\n");
      }
      return KeyEncryption.fromBase64(Files.readString(file).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}

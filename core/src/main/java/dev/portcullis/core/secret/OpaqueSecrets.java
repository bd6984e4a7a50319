package dev.portcullis.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Mints and checks opaque secrets: {@code <prefix><43 base62 chars><6 base62 checksum>}.
 *
 * <p>The body is 32 bytes from {@link SecureRandom}; the checksum is the CRC32 of prefix and
 * body in base62, as GitHub's tokens carry, so that a mistyped or made-up value is refused
 * without a database read and secret scanners can recognise leaked keys. Only the SHA-256
 * of the whole value is ever stored. Thread-safe.
 */
public final class OpaqueSecrets {

  static final int RANDOM_BYTES = 32;
  static final int BODY_LENGTH = 43; // ceil(256 / log2(62))
  static final int CHECKSUM_LENGTH = 6;
  /** Characters of a key shown in listings, so that a user can tell keys apart. */
  public static final int DISPLAY_PREFIX_LENGTH = 10;

  private static final SecureRandom RANDOM = new SecureRandom();

  private OpaqueSecrets() {}

  /** A freshly minted secret: the value is shown once, the hash is stored. */
  public record Minted(String value, String hash, String displayPrefix) {
    @Override
    public String toString() {
      return "Minted[displayPrefix=" + displayPrefix + ", value=<redacted>]";
    }
  }

  public static Minted mint(SecretKind kind) {
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    String body = kind.prefix() + Base62.encode(random, BODY_LENGTH);
    String value = body + checksum(body);
    return new Minted(value, hash(value), value.substring(0, DISPLAY_PREFIX_LENGTH));
  }

  /**
   * Whether {@code value} is well-formed for {@code kind}: right prefix, length, alphabet and
   * checksum. Cheap and free of I/O; the checksum is compared in constant time.
   */
  public static boolean isWellFormed(String value, SecretKind kind) {
    int expected = kind.prefix().length() + BODY_LENGTH + CHECKSUM_LENGTH;
    if (value.length() != expected || !value.startsWith(kind.prefix())) {
      return false;
    }
    String body = value.substring(0, expected - CHECKSUM_LENGTH);
    String sum = value.substring(expected - CHECKSUM_LENGTH);
    if (!Base62.isBase62(body.substring(kind.prefix().length())) || !Base62.isBase62(sum)) {
      return false;
    }
    return MessageDigest.isEqual(
        checksum(body).getBytes(StandardCharsets.US_ASCII), sum.getBytes(StandardCharsets.US_ASCII));
  }

  /** The kind whose prefix {@code value} carries, whether or not it is well-formed. */
  public static Optional<SecretKind> kindOf(String value) {
    for (SecretKind kind : SecretKind.values()) {
      if (value.startsWith(kind.prefix())) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** Hex SHA-256 of the whole value: what the database stores and looks up by. */
  public static String hash(String value) {
    return HexFormat.of().formatHex(sha256().digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  // Cloning a prototype is much cheaper than a provider look-up, and this runs on every request.
  private static final MessageDigest SHA_256 = newSha256();

  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256();
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return Base62.encode(crc.getValue(), CHECKSUM_LENGTH);
  }
}

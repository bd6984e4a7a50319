package dev.portcullis.bench;

/** Made-up credentials that the checksum refuses. */
final class MalformedKeys {

  private MalformedKeys() {}

  /**
   * {@code value} with its last checksum character changed: right prefix, length and alphabet,
   * so refusing it costs the whole checksum computation, the most a made-up key can cost.
   */
  static String withBadChecksum(String value) {
    char last = value.charAt(value.length() - 1);
    return value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A');
  }
}

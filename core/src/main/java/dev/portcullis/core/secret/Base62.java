package dev.portcullis.core.secret;

import java.math.BigInteger;

/** Base62 (0-9, A-Z, a-z) encoding of unsigned byte strings and numbers. */
final class Base62 {

  static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final BigInteger BASE = BigInteger.valueOf(62);
  private static final boolean[] IN_ALPHABET = new boolean[128];

  static {
    for (int i = 0; i < ALPHABET.length(); i++) {
      IN_ALPHABET[ALPHABET.charAt(i)] = true;
    }
  }

  private Base62() {}

  /** Encodes {@code bytes} as an unsigned number, left-padded with '0' to {@code width}. */
  static String encode(byte[] bytes, int width) {
    BigInteger n = new BigInteger(1, bytes);
    StringBuilder sb = new StringBuilder(width);
    while (n.signum() > 0) {
      BigInteger[] qr = n.divideAndRemainder(BASE);
      sb.append(ALPHABET.charAt(qr[1].intValue()));
      n = qr[0];
    }
    return pad(sb, width);
  }

  /**
   * Encodes a non-negative number, left-padded with '0' to {@code width}. Plain arithmetic:
   * this runs on every request that carries a key (the checksum).
   */
  static String encode(long value, int width) {
    StringBuilder sb = new StringBuilder(width);
    for (long n = value; n > 0; n /= 62) {
      sb.append(ALPHABET.charAt((int) (n % 62)));
    }
    return pad(sb, width);
  }

  static boolean isBase62(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128 || !IN_ALPHABET[c]) {
        return false;
      }
    }
    return true;
  }

  private static String pad(StringBuilder reversed, int width) {
    while (reversed.length() < width) {
      reversed.append('0');
    }
    return reversed.reverse().toString();
  }
}

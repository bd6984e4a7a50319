package dev.portcullis.core.secret;

import java.math.BigInteger;

/** Base62 (0-9, A-Z, a-z) encoding of unsigned byte strings and numbers. */
final class Base62 {

  static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final BigInteger BASE = BigInteger.valueOf(62);

  private Base62() {}

  /** Encodes {@code bytes} as an unsigned number, left-padded with '0' to {@code width}. */
  static String encode(byte[] bytes, int width) {
    return pad(new BigInteger(1, bytes), width);
  }

  /** Encodes a non-negative number, left-padded with '0' to {@code width}. */
  static String encode(long value, int width) {
    return pad(BigInteger.valueOf(value), width);
  }

  static boolean isBase62(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      if (ALPHABET.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String pad(BigInteger n, int width) {
    StringBuilder sb = new StringBuilder();
    while (n.signum() > 0) {
      BigInteger[] qr = n.divideAndRemainder(BASE);
      sb.append(ALPHABET.charAt(qr[1].intValue()));
      n = qr[0];
    }
    while (sb.length() < width) {
      sb.append('0');
    }
    return sb.reverse().toString();
  }
}

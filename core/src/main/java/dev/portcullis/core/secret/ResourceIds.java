package dev.portcullis.core.secret;

import java.security.SecureRandom;

/** Prefixed random resource ids such as {@code agt_3kQ...} (API.md section 1). */
public final class ResourceIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int RANDOM_BYTES = 16;

  private ResourceIds() {}

  /** A new id: {@code prefix} followed by 22 base62 characters (128 random bits). */
  public static String next(String prefix) {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return prefix + Base62.encode(bytes, 22);
  }

  /**
   * A request id, for correlating an error the client saw with the server's log. Not a secret,
   * so it comes from {@link java.util.concurrent.ThreadLocalRandom}: every request makes one,
   * and {@link SecureRandom} serialises callers on a lock.
   */
  public static String requestId() {
    var random = java.util.concurrent.ThreadLocalRandom.current();
    return "req_" + Base62.encode(random.nextLong() >>> 1, 11) + Base62.encode(random.nextLong() >>> 1, 11);
  }
}

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

  /** A request id, for correlating an error the client saw with the server's log. */
  public static String requestId() {
    return next("req_");
  }
}

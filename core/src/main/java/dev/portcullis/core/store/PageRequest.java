package dev.portcullis.core.store;

import dev.portcullis.core.error.PortcullisException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * One page of a list: at most {@code limit} items after the position {@code after}.
 *
 * @param limit 1..200
 * @param afterSeq the internal sequence number of the last item already seen, or 0
 */
public record PageRequest(int limit, long afterSeq) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw PortcullisException.invalidRequest("limit must be between 1 and " + MAX_LIMIT + ".");
    }
    if (afterSeq < 0) {
      throw PortcullisException.invalidRequest("after is not a valid cursor.");
    }
  }

  public static PageRequest first(int limit) {
    return new PageRequest(limit, 0);
  }

  /** Parses the API's {@code limit} and {@code after} parameters; 400 when either is bad. */
  public static PageRequest parse(Optional<String> limit, Optional<String> after) {
    int n = DEFAULT_LIMIT;
    if (limit.isPresent()) {
      try {
        n = Integer.parseInt(limit.get());
      } catch (NumberFormatException e) {
        throw PortcullisException.invalidRequest("limit must be an integer.");
      }
    }
    return new PageRequest(n, after.map(PageRequest::decodeCursor).orElse(0L));
  }

  /** The opaque cursor the client passes back as {@code after}. */
  public static String encodeCursor(long seq) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("s" + seq).getBytes(StandardCharsets.US_ASCII));
  }

  static long decodeCursor(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (!s.startsWith("s")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(s.substring(1));
    } catch (IllegalArgumentException e) {
      throw PortcullisException.invalidRequest("after is not a valid cursor.");
    }
  }
}

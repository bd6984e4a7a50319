package dev.portcullis.core.authz;

import dev.portcullis.core.error.ErrorCode;
import java.util.Map;
import java.util.Objects;

/** The outcome of one authorization step. */
public sealed interface Decision {

  /**
   * Go ahead, restricted to what {@code filter} lets through.
   *
   * @param ruleMetadata metadata the rules own: stamped on what is created, and never set or
   *     changed by the caller (403)
   */
  record Allowed(ResourceFilter filter, Map<String, Object> ruleMetadata) implements Decision {
    public Allowed {
      Objects.requireNonNull(filter, "filter");
      ruleMetadata = Map.copyOf(ruleMetadata);
    }

    public static final Allowed UNRESTRICTED = new Allowed(ResourceFilter.NONE, Map.of());
  }

  /** Refused with {@code code} (403 or 404) and a reason the client may read. */
  record Denied(ErrorCode code, String reason) implements Decision {
    public Denied {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
    }
  }
}

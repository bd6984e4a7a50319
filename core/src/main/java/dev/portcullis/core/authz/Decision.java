package dev.portcullis.core.authz;

import dev.portcullis.core.error.ErrorCode;
import java.util.Objects;

/** The outcome of one authorization step. */
public sealed interface Decision {

  /** Go ahead, restricted to what {@code filter} lets through. */
  record Allowed(ResourceFilter filter) implements Decision {
    public Allowed {
      Objects.requireNonNull(filter, "filter");
    }
  }

  /** Refused with {@code code} (403 or 404) and a reason the client may read. */
  record Denied(ErrorCode code, String reason) implements Decision {
    public Denied {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
    }
  }
}

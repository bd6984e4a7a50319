package dev.portcullis.core.authz;

import dev.portcullis.core.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of authorization. Both outcomes say which rule decided ({@code rule}, empty when
 * the credential's own limits or no rule at all decided) and how ({@code reasons}, a
 * human-readable trace in the order the steps ran), for {@code POST /v1/authz/explain}.
 */
public sealed interface Decision {

  /** The deciding rule's name; empty when no rule decided. */
  Optional<String> rule();

  /** How the decision was reached, one step per entry, for people to read. */
  List<String> reasons();

  /**
   * Go ahead, restricted to what {@code filter} lets through.
   *
   * @param ruleMetadata metadata the rules own: stamped on what is created, and never set or
   *     changed by the caller (403)
   */
  record Allowed(ResourceFilter filter, Map<String, Object> ruleMetadata, Optional<String> rule, List<String> reasons)
      implements Decision {

    public static final Allowed UNRESTRICTED = new Allowed(ResourceFilter.NONE, Map.of());

    public Allowed {
      Objects.requireNonNull(filter, "filter");
      ruleMetadata = Map.copyOf(ruleMetadata);
      Objects.requireNonNull(rule, "rule");
      reasons = List.copyOf(reasons);
    }

    /** Allowed without a deciding rule and without a trace. */
    public Allowed(ResourceFilter filter, Map<String, Object> ruleMetadata) {
      this(filter, ruleMetadata, Optional.empty(), List.of());
    }
  }

  /** Refused with {@code code} (403 or 404) and a reason the client may read. */
  record Denied(ErrorCode code, String reason, Optional<String> rule, List<String> reasons) implements Decision {

    public Denied {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(rule, "rule");
      reasons = List.copyOf(reasons);
    }

    /** Denied without a deciding rule and without a trace. */
    public Denied(ErrorCode code, String reason) {
      this(code, reason, Optional.empty(), List.of());
    }
  }
}

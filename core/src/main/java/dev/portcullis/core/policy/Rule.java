package dev.portcullis.core.policy;

import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.spi.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** One rule as the engine sees it, whether it comes from a policy file or a plugin. */
interface Rule {

  String name();

  RuleTarget target();

  /** Never throws: a rule that cannot be evaluated answers {@link Verdict.Failed}. */
  Verdict evaluate(Request request);

  /** What a rule is evaluated against; {@code resource} is fetched at most once. */
  record Request(Principal principal, Operation operation, Map<String, Object> principalView,
      Supplier<Map<String, Object>> resource) {}

  /** What one rule says about one request. */
  sealed interface Verdict {

    /** Its condition is false: the rule does not take part. */
    enum Pass implements Verdict {
      INSTANCE
    }

    record Deny(String message) implements Verdict {
      public Deny {
        Objects.requireNonNull(message, "message");
      }
    }

    record Allow(ResourceFilter filter, Map<String, Object> metadata) implements Verdict {
      public Allow {
        Objects.requireNonNull(filter, "filter");
        metadata = Map.copyOf(metadata);
      }
    }

    /** The rule could not be evaluated; the engine denies. {@code reason} is for the trace only. */
    record Failed(String reason) implements Verdict {}
  }
}

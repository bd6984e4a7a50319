package dev.portcullis.core.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.ResourceFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One compiled rule of a policy file. Immutable and thread-safe.
 *
 * <p>A rule whose {@code when} holds (or that has none) either denies with its {@code deny}
 * message or allows, stamping its {@code metadata} and restricting to its {@code filter}.
 */
public final class PolicyRule implements Rule {

  /** A compiled {@code filter} entry: the operator ({@code $eq} for plain values) and its expression. */
  record FilterEntry(String key, String operator, CelExpressions.Compiled value) {}

  private final String name;
  private final RuleTarget target;
  private final int line;
  private final Optional<CelExpressions.Compiled> when;
  private final Optional<String> deny;
  private final Map<String, CelExpressions.Compiled> metadata;
  private final List<FilterEntry> filter;

  PolicyRule(String name, RuleTarget target, int line, Optional<CelExpressions.Compiled> when,
      Optional<String> deny, Map<String, CelExpressions.Compiled> metadata, List<FilterEntry> filter) {
    this.name = Objects.requireNonNull(name, "name");
    this.target = Objects.requireNonNull(target, "target");
    this.line = line;
    this.when = when;
    this.deny = deny;
    this.metadata = Map.copyOf(metadata);
    this.filter = List.copyOf(filter);
  }

  /** The rule's unique {@code name}. */
  @Override
  public String name() {
    return name;
  }

  /** Its {@code on}. */
  @Override
  public RuleTarget target() {
    return target;
  }

  /** The line of the rule in its file. */
  public int line() {
    return line;
  }

  /** The source of its {@code when}; empty when the rule always applies. */
  public Optional<String> when() {
    return when.map(CelExpressions.Compiled::source);
  }

  /** Its {@code deny} message; empty for a rule that allows. */
  public Optional<String> deny() {
    return deny;
  }

  @Override
  public Verdict evaluate(Request request) {
    try {
      if (when.isPresent()) {
        Object holds = when.get().eval(request.principalView(), request.resource());
        if (!(holds instanceof Boolean b)) {
          return new Verdict.Failed("when did not evaluate to a bool");
        }
        if (!b) {
          return Verdict.Pass.INSTANCE;
        }
      }
      if (deny.isPresent()) {
        return new Verdict.Deny(deny.get());
      }
      Map<String, Object> stamped = new LinkedHashMap<>();
      for (Map.Entry<String, CelExpressions.Compiled> entry : metadata.entrySet()) {
        stamped.put(entry.getKey(), CelExpressions.fromCel(
            entry.getValue().eval(request.principalView(), request.resource())));
      }
      List<FilterCondition> conditions = new ArrayList<>(filter.size());
      for (FilterEntry entry : filter) {
        Object value = CelExpressions.fromCel(entry.value().eval(request.principalView(), request.resource()));
        conditions.add(FilterCondition.fromSpec(entry.key(), Map.of(entry.operator(), value)));
      }
      return new Verdict.Allow(new ResourceFilter(conditions), stamped);
    } catch (CelEvaluationException | IllegalArgumentException e) {
      return new Verdict.Failed(e.getMessage());
    }
  }

  @Override
  public String toString() {
    return name + " (" + target + ")";
  }
}

package dev.portcullis.core.policy;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.CredentialLimitsAuthorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.AuthorizationHandler;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The authorization engine of API.md section 7. Thread-safe.
 *
 * <ol>
 *   <li>The credential's own limits ({@code limits}, normally {@link CredentialLimitsAuthorizer})
 *       decide first; their denial is final.
 *   <li>Then the rules of the policy and the plugins' {@link AuthorizationHandler}s, most specific
 *       level first: {@code resource.action}, then {@code resource}, then {@code *}. The first
 *       level holding a rule whose {@code when} is true (a handler that does not pass) decides,
 *       and every such rule of that level applies: any deny denies with {@code 403 forbidden} and
 *       the first deny's message; otherwise the filters are combined with AND and the metadata
 *       merged (the first rule stamping a key wins). A rule that cannot be evaluated (its
 *       {@code when} fails, a handler throws) denies.
 *   <li>With no rule matching, the request is allowed within the limits of step 1.
 * </ol>
 *
 * <p>Within a level, policy rules come before handlers, each in the order given. The decision's
 * {@code rule} is the first deny of the deciding level or, when it allows, its first matching rule.
 */
public final class PolicyAuthorizer implements Authorizer {

  private static final String UNEVALUABLE = "An authorization rule could not be evaluated.";

  private final Authorizer limits;
  private final Map<Resource, Map<Action, List<List<Rule>>>> levels = new EnumMap<>(Resource.class);

  /**
   * @param limits step 1, the credential's own limits
   * @param policy the rules of the policy file, or {@link Policy#builtIn()}
   * @param handlers the plugins' handlers
   * @throws IllegalArgumentException when a handler's {@code on} names an unknown resource or action
   */
  public PolicyAuthorizer(Authorizer limits, Policy policy, List<? extends AuthorizationHandler> handlers) {
    this.limits = limits;
    List<Rule> rules = new ArrayList<>(policy.rules());
    handlers.forEach(handler -> rules.add(new HandlerRule(handler)));
    for (Resource resource : Resource.values()) {
      Map<Action, List<List<Rule>>> byAction = new EnumMap<>(Action.class);
      for (Action action : Action.values()) {
        Operation operation = Operation.of(resource, action);
        List<List<Rule>> ordered = new ArrayList<>();
        for (RuleTarget.Level level : RuleTarget.Level.values()) {
          List<Rule> atLevel = rules.stream()
              .filter(rule -> rule.target().level() == level && rule.target().matches(operation)).toList();
          if (!atLevel.isEmpty()) {
            ordered.add(atLevel);
          }
        }
        byAction.put(action, List.copyOf(ordered));
      }
      levels.put(resource, byAction);
    }
  }

  /** The engine with step-1 limits and {@code policy}, without plugins. */
  public PolicyAuthorizer(Authorizer limits, Policy policy) {
    this(limits, policy, List.of());
  }

  /** The credential limits with the built-in rule set, what a server without {@code --policy} runs. */
  public static PolicyAuthorizer builtIn() {
    return new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.builtIn());
  }

  @Override
  public Decision decide(AuthzRequest request) {
    Decision first = limits.decide(request);
    if (!(first instanceof Decision.Allowed allowed)) {
      return first;
    }
    Operation operation = request.operation();
    List<List<Rule>> ordered = levels.get(operation.resource()).get(operation.action());
    List<String> reasons = new ArrayList<>(allowed.reasons());
    if (ordered.isEmpty()) {
      reasons.add("no rule matched " + operation);
      return new Decision.Allowed(allowed.filter(), allowed.ruleMetadata(), Optional.empty(), reasons);
    }
    Rule.Request ruleRequest = new Rule.Request(request.principal(), operation,
        CelExpressions.principal(request.principal()), request.resource());
    for (List<Rule> level : ordered) {
      Optional<Decision> decided = decideLevel(level, ruleRequest, allowed, reasons);
      if (decided.isPresent()) {
        return decided.get();
      }
    }
    reasons.add("no rule matched " + operation);
    return new Decision.Allowed(allowed.filter(), allowed.ruleMetadata(), Optional.empty(), reasons);
  }

  private static Optional<Decision> decideLevel(List<Rule> level, Rule.Request request, Decision.Allowed limits,
      List<String> reasons) {
    Optional<String> firstMatch = Optional.empty();
    Optional<String> denyingRule = Optional.empty();
    String denyMessage = "";
    ResourceFilter filter = limits.filter();
    Map<String, Object> metadata = new LinkedHashMap<>(limits.ruleMetadata());
    for (Rule rule : level) {
      Rule.Verdict verdict = rule.evaluate(request);
      String label = "rule " + rule.name() + " (" + rule.target() + ")";
      switch (verdict) {
        case Rule.Verdict.Pass pass -> {
          reasons.add(label + " did not match");
          continue;
        }
        case Rule.Verdict.Failed failed -> {
          reasons.add(label + " could not be evaluated and denies: " + failed.reason());
          if (denyingRule.isEmpty()) {
            denyingRule = Optional.of(rule.name());
            denyMessage = UNEVALUABLE;
          }
        }
        case Rule.Verdict.Deny deny -> {
          reasons.add(label + " matched and denies: " + deny.message());
          if (denyingRule.isEmpty()) {
            denyingRule = Optional.of(rule.name());
            denyMessage = deny.message();
          }
        }
        case Rule.Verdict.Allow allow -> {
          reasons.add(label + " matched" + describe(allow));
          filter = filter.and(allow.filter());
          for (Map.Entry<String, Object> stamp : allow.metadata().entrySet()) {
            Object earlier = metadata.putIfAbsent(stamp.getKey(), stamp.getValue());
            if (earlier != null && !earlier.equals(stamp.getValue())) {
              reasons.add(label + " also stamps " + stamp.getKey() + "; the earlier value " + earlier + " is kept");
            }
          }
        }
      }
      if (firstMatch.isEmpty()) {
        firstMatch = Optional.of(rule.name());
      }
    }
    if (denyingRule.isPresent()) {
      return Optional.of(new Decision.Denied(ErrorCode.FORBIDDEN, denyMessage, denyingRule, reasons));
    }
    if (firstMatch.isPresent()) {
      return Optional.of(new Decision.Allowed(filter, metadata, firstMatch, reasons));
    }
    return Optional.empty();
  }

  private static String describe(Rule.Verdict.Allow allow) {
    StringBuilder text = new StringBuilder();
    if (!allow.filter().isNone()) {
      text.append(", filter ").append(allow.filter().conditions());
    }
    if (!allow.metadata().isEmpty()) {
      text.append(", metadata ").append(allow.metadata());
    }
    return text.toString();
  }
}

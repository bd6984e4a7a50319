package dev.portcullis.core.policy;

import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.spi.AuthorizationContext;
import dev.portcullis.spi.AuthorizationHandler;
import dev.portcullis.spi.AuthorizationOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A plugin's {@link AuthorizationHandler} as a rule: it sits at the level its {@code on} names. */
final class HandlerRule implements Rule {

  private final AuthorizationHandler handler;
  private final String name;
  private final RuleTarget target;

  HandlerRule(AuthorizationHandler handler) {
    this.handler = handler;
    this.name = handler.name();
    try {
      this.target = RuleTarget.parse(handler.on());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("authorization handler " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RuleTarget target() {
    return target;
  }

  @Override
  public Verdict evaluate(Request request) {
    try {
      AuthorizationOutcome outcome = handler.authorize(new AuthorizationContext(request.principal(),
          request.operation().resource().wireName(), request.operation().action().wireName(),
          request.resource().get()));
      return switch (outcome) {
        case AuthorizationOutcome.Pass pass -> Verdict.Pass.INSTANCE;
        case AuthorizationOutcome.Deny deny -> new Verdict.Deny(deny.message());
        case AuthorizationOutcome.Allow allow -> {
          List<FilterCondition> conditions = new ArrayList<>();
          allow.filter().forEach((key, spec) -> conditions.add(FilterCondition.fromSpec(key, spec)));
          yield new Verdict.Allow(new ResourceFilter(conditions), new LinkedHashMap<>(allow.metadata()));
        }
        case null -> new Verdict.Failed("the handler returned null");
      };
    } catch (RuntimeException e) {
      // A plugin's bug must not open the door: it denies, and the cause goes to the trace.
      return new Verdict.Failed("the handler threw " + e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + target + ")";
  }

}

package dev.portcullis.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.CredentialLimitsAuthorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.AuthorizationContext;
import dev.portcullis.spi.AuthorizationHandler;
import dev.portcullis.spi.AuthorizationOutcome;
import dev.portcullis.spi.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyAuthorizerTest {

  /** The table's policy; ExplainAgreementIT runs the same file in a real server. */
  private static final String LEVELS = resource("/dev/portcullis/core/policy/levels-policy.yaml");

  private static final PolicyAuthorizer ENGINE =
      new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.parse(LEVELS, "levels.yaml"));

  record Case(String name, Principal principal, Operation operation, String expected, Optional<String> rule,
      List<FilterCondition> filter, Map<String, Object> metadata) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case allow(String name, Principal principal, Operation op, Optional<String> rule,
      List<FilterCondition> filter, Map<String, Object> metadata) {
    return new Case(name, principal, op, "allow", rule, filter, metadata);
  }

  static Case deny(String name, Principal principal, Operation op, String message, String rule) {
    return new Case(name, principal, op, message, Optional.of(rule), List.of(), Map.of());
  }

  static Operation threads(Action action) {
    return Operation.of(Resource.THREADS, action);
  }

  static Stream<Case> cases() {
    Principal plain = Principals.workspace("ws_1");
    Principal team = Principals.workspace("ws_1", Map.of("team", "blue"));
    Principal admin = Principals.workspace("ws_1", Map.of("role", "admin"));
    Principal intern = Principals.workspace("ws_1", Map.of("role", "intern", "team", "blue"));
    Principal tagger = Principals.workspace("ws_9", Map.of("role", "tagger"));
    Principal auditor = Principals.workspace("ws_1", Map.of("role", "auditor"));
    FilterCondition owner = new FilterCondition.Equals("owner", "ws_1");
    return Stream.of(
        allow("resource level applies when no action rule matches", plain, threads(Action.READ),
            Optional.of("threads-are-private"), List.of(owner), Map.of("owner", "ws_1")),
        allow("every matching rule of the level applies, filters ANDed", team, threads(Action.SEARCH),
            Optional.of("threads-are-private"), List.of(owner, new FilterCondition.Equals("team", "blue")),
            Map.of("owner", "ws_1")),
        deny("action level deny beats the resource level", plain, threads(Action.DELETE),
            "Only admins delete threads.", "no-deleting-threads"),
        allow("false action condition falls through to the resource level", admin, threads(Action.DELETE),
            Optional.of("threads-are-private"), List.of(owner), Map.of("owner", "ws_1")),
        deny("a when that fails to evaluate denies", plain, threads(Action.CREATE),
            "An authorization rule could not be evaluated.", "interns-create-nothing"),
        deny("any deny of the deciding level denies", intern, threads(Action.CREATE),
            "Interns may not create threads.", "interns-create-nothing"),
        allow("metadata expressions evaluate to plain values", tagger, threads(Action.CREATE),
            Optional.of("tagged-create"), List.of(),
            Map.of("tag", "t-ws_9", "level", 3L, "ratio", 0.5, "flag", true, "tags", List.of("a", "b"))),
        allow("global level applies when no resource rule matches", auditor, Operation.of(Resource.AGENTS, Action.READ),
            Optional.of("everything-for-audit-claims"), List.of(new FilterCondition.Equals("visible", "yes")), Map.of()),
        allow("no matching rule allows within the limits", Principals.server(), threads(Action.READ),
            Optional.empty(), List.of(), Map.of()),
        deny("the limits decide before any rule", Principals.server(), Operation.of(Resource.PROJECTS, Action.READ),
            "projects requires the admin key.", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decideWhenRulesAtSeveralLevelsThenMostSpecificMatchingLevelDecides(Case c) {
    Decision decision = ENGINE.decide(new AuthzRequest(c.principal(), c.operation(), Optional.empty()));
    if (c.expected().equals("allow")) {
      assertThat(decision).isInstanceOf(Decision.Allowed.class);
      Decision.Allowed allowed = (Decision.Allowed) decision;
      assertThat(allowed.rule()).isEqualTo(c.rule());
      assertThat(allowed.filter().conditions()).containsExactlyElementsOf(c.filter());
      assertThat(allowed.ruleMetadata()).isEqualTo(c.metadata());
    } else {
      assertThat(decision).isInstanceOf(Decision.Denied.class);
      Decision.Denied denied = (Decision.Denied) decision;
      assertThat(denied.code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(denied.reason()).isEqualTo(c.expected());
      assertThat(denied.rule()).isEqualTo(c.rule().filter(r -> !r.isEmpty()));
    }
  }

  @Test
  void decideWhenFailingWhenThenTraceNamesTheCause() {
    Decision decision = ENGINE.decide(new AuthzRequest(Principals.workspace("ws_1"), threads(Action.CREATE),
        Optional.empty()));
    assertThat(decision.reasons()).anySatisfy(reason ->
        assertThat(reason).startsWith("rule interns-create-nothing (threads.create) could not be evaluated and denies:"));
  }

  static Stream<Arguments> filterOperators() {
    return Stream.of(
        Arguments.of("principal.workspace_id", new FilterCondition.Equals("k", "ws_1")),
        Arguments.of("{$eq: principal.workspace_id}", new FilterCondition.Equals("k", "ws_1")),
        Arguments.of("{$ne: principal.workspace_id}", new FilterCondition.NotEquals("k", "ws_1")),
        Arguments.of("{$in: \"[principal.workspace_id, 'shared']\"}", new FilterCondition.In("k", List.of("ws_1", "shared"))),
        Arguments.of("{$in: principal.claims.teams}", new FilterCondition.In("k", List.of("red", "blue"))),
        Arguments.of("{$contains: principal.identity}", new FilterCondition.Contains("k", "user_ws_1")),
        Arguments.of("\"42\"", new FilterCondition.Equals("k", 42L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterOperators")
  void decideWhenFilterOperatorThenMatchingCondition(String spec, FilterCondition expected) {
    Policy policy = Policy.parse("rules:\n  - name: f\n    on: threads\n    filter: {k: " + spec + "}\n", "f.yaml");
    Decision decision = new PolicyAuthorizer(new CredentialLimitsAuthorizer(), policy).decide(new AuthzRequest(
        Principals.workspace("ws_1", Map.of("teams", List.of("red", "blue"))), threads(Action.READ), Optional.empty()));
    assertThat(((Decision.Allowed) decision).filter().conditions()).containsExactly(expected);
  }

  @Test
  void decideWhenWhenReadsResourceThenResourceSupplierIsEvaluatedOnce() {
    Policy policy = Policy.parse("""
        rules:
          - name: own-agent
            on: threads.update
            when: resource.metadata.owner != principal.workspace_id
            deny: "Not yours."
          - name: also-resource
            on: threads.update
            when: resource.agent_id == "agt_forbidden"
            deny: "Forbidden agent."
        """, "r.yaml");
    AtomicInteger loads = new AtomicInteger();
    Function<String, AuthzRequest> request = owner -> new AuthzRequest(Principals.workspace("ws_1"),
        threads(Action.UPDATE), Optional.of("thr_1"), () -> {
          loads.incrementAndGet();
          return Map.of("id", "thr_1", "agent_id", "agt_1", "metadata", Map.of("owner", owner));
        });
    PolicyAuthorizer engine = new PolicyAuthorizer(new CredentialLimitsAuthorizer(), policy);

    assertThat(engine.decide(request.apply("ws_2"))).isInstanceOf(Decision.Denied.class)
        .extracting(d -> ((Decision.Denied) d).reason()).isEqualTo("Not yours.");
    assertThat(engine.decide(request.apply("ws_1"))).isInstanceOf(Decision.Allowed.class);
    assertThat(loads).hasValue(2);
  }

  @Test
  void decideWhenNoRuleReadsResourceThenResourceIsNeverLoaded() {
    AuthzRequest request = new AuthzRequest(Principals.workspace("ws_1"), threads(Action.READ), Optional.of("thr_1"),
        () -> {
          throw new AssertionError("the resource must not be loaded");
        });
    assertThat(PolicyAuthorizer.builtIn().decide(request)).isInstanceOf(Decision.Allowed.class);
  }

  // Plugins' handlers.

  record Handler(String on, Function<AuthorizationContext, AuthorizationOutcome> body) implements AuthorizationHandler {
    @Override
    public String name() {
      return "handler:" + on;
    }

    @Override
    public AuthorizationOutcome authorize(AuthorizationContext context) {
      return body.apply(context);
    }
  }

  @Test
  void decideWhenHandlerAllowsWithOperatorFilterThenConditionsAndMetadataApply() {
    Handler handler = new Handler("threads.search", ctx -> AuthorizationOutcome.allow(
        Map.of("source", ctx.principal().identity()),
        Map.of("team", Map.of("$in", List.of("red", "blue")), "kind", "chat")));
    Decision decision = new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.builtIn(), List.of(handler))
        .decide(new AuthzRequest(Principals.workspace("ws_1"), threads(Action.SEARCH), Optional.empty()));
    Decision.Allowed allowed = (Decision.Allowed) decision;
    assertThat(allowed.rule()).contains("handler:threads.search");
    assertThat(allowed.filter().conditions()).containsExactlyInAnyOrder(
        new FilterCondition.In("team", List.of("red", "blue")), new FilterCondition.Equals("kind", "chat"));
    assertThat(allowed.ruleMetadata()).isEqualTo(Map.of("source", "user_ws_1"));
  }

  @Test
  void decideWhenHandlerPassesThenLessSpecificLevelDecides() {
    Handler handler = new Handler("threads.read", ctx -> AuthorizationOutcome.pass());
    Decision decision = new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.builtIn(), List.of(handler))
        .decide(new AuthzRequest(Principals.workspace("ws_1"), threads(Action.READ), Optional.empty()));
    assertThat(decision.rule()).contains("threads-are-private");
  }

  @Test
  void decideWhenHandlerDeniesAtSameLevelAsPolicyRuleThenDenied() {
    Handler handler = new Handler("threads", ctx -> ctx.action().equals("update")
        ? AuthorizationOutcome.deny("Read-only.") : AuthorizationOutcome.pass());
    PolicyAuthorizer engine = new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.builtIn(), List.of(handler));
    Decision update = engine.decide(new AuthzRequest(Principals.workspace("ws_1"), threads(Action.UPDATE), Optional.empty()));
    assertThat(update).isEqualTo(new Decision.Denied(ErrorCode.FORBIDDEN, "Read-only.", Optional.of("handler:threads"),
        update.reasons()));
    assertThat(engine.decide(new AuthzRequest(Principals.workspace("ws_1"), threads(Action.READ), Optional.empty())))
        .isInstanceOf(Decision.Allowed.class);
  }

  @Test
  void decideWhenHandlerThrowsThenDenied() {
    Handler handler = new Handler("*", ctx -> {
      throw new IllegalStateException("boom");
    });
    Decision decision = new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.empty(), List.of(handler))
        .decide(new AuthzRequest(Principals.server(), threads(Action.READ), Optional.empty()));
    assertThat(decision).isInstanceOf(Decision.Denied.class);
    assertThat(decision.rule()).contains("handler:*");
    assertThat(decision.reasons()).last().asString().contains("boom");
  }

  /** A create body such as {@code {"agent_id": "agt_1", "metadata": null}} holds JSON nulls. */
  @Test
  void decideWhenResourceHoldsNullValuesThenHandlerSeesThemAndDecides() {
    Handler handler = new Handler("threads.create", ctx -> ctx.attributes().containsKey("metadata")
        && ctx.attributes().get("metadata") == null ? AuthorizationOutcome.allow() : AuthorizationOutcome.deny("?"));
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("agent_id", "agt_1");
    body.put("metadata", null);
    Decision decision = new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.empty(), List.of(handler))
        .decide(new AuthzRequest(Principals.workspace("ws_1"), threads(Action.CREATE), Optional.empty(), () -> body));
    assertThat(decision).isInstanceOf(Decision.Allowed.class);
  }

  @Test
  void constructWhenHandlerOnNamesUnknownResourceThenRefused() {
    Handler handler = new Handler("thread.read", ctx -> AuthorizationOutcome.pass());
    assertThatThrownBy(() -> new PolicyAuthorizer(new CredentialLimitsAuthorizer(), Policy.empty(), List.of(handler)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("authorization handler handler:thread.read: unknown resource 'thread'");
  }

  private static String resource(String name) {
    try (java.io.InputStream in = PolicyAuthorizerTest.class.getResourceAsStream(name)) {
      return new String(java.util.Objects.requireNonNull(in, name).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

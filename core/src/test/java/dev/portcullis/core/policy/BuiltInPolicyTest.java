package dev.portcullis.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.Principal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards that the built-in policy on top of the credential limits decides exactly as the
 * hard-coded rules did before the policy engine ({@link #legacy} is that code, kept as the oracle).
 */
class BuiltInPolicyTest {

  private static final PolicyAuthorizer ENGINE = PolicyAuthorizer.builtIn();

  static Stream<Arguments> everyPrincipalAndOperation() {
    // Client tokens came after the hard-coded rules: their policy is ClientTokenLimitsTest's table.
    List<Principal> principals = List.of(Principals.admin(), Principals.server(), Principals.workspace("ws_1"),
        Principals.custom(Optional.of("ws_2")), Principals.custom(Optional.empty()));
    List<Arguments> cases = new ArrayList<>();
    for (Principal principal : principals) {
      for (Resource resource : Resource.values()) {
        for (Action action : Action.values()) {
          cases.add(Arguments.of(principal.kind().wireName() + principal.workspaceId().map(w -> ":" + w).orElse(""),
              principal, Operation.of(resource, action)));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("everyPrincipalAndOperation")
  void decideWhenBuiltInPolicyThenSameAsHardCodedRules(String who, Principal principal, Operation operation) {
    Decision decision = ENGINE.decide(new AuthzRequest(principal, operation, Optional.empty()));
    Decision expected = legacy(principal, operation);
    switch (expected) {
      case Decision.Allowed allowed -> {
        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        Decision.Allowed actual = (Decision.Allowed) decision;
        assertThat(actual.filter()).isEqualTo(allowed.filter());
        assertThat(actual.ruleMetadata()).isEqualTo(allowed.ruleMetadata());
      }
      case Decision.Denied denied -> {
        assertThat(decision).isInstanceOf(Decision.Denied.class);
        Decision.Denied actual = (Decision.Denied) decision;
        assertThat(actual.code()).isEqualTo(denied.code());
        assertThat(actual.reason()).isEqualTo(denied.reason());
      }
    }
  }

  @Test
  void decideWhenWorkspaceReadsThreadThenRuleAndTraceExplainIt() {
    Decision decision = ENGINE.decide(new AuthzRequest(Principals.workspace("ws_1"),
        Operation.of(Resource.THREADS, Action.READ), Optional.of("thr_1")));
    assertThat(decision.rule()).contains("threads-are-private");
    assertThat(decision.reasons()).containsExactly(
        "credential limits: a workspace credential reaches threads",
        "rule threads-are-private (threads) matched, filter [Equals[key=owner, value=ws_1]], metadata {owner=ws_1}");
  }

  @Test
  void decideWhenServerKeyReadsThreadThenNoRuleMatched() {
    Decision decision = ENGINE.decide(new AuthzRequest(Principals.server(),
        Operation.of(Resource.THREADS, Action.READ), Optional.empty()));
    assertThat(decision).isInstanceOf(Decision.Allowed.class);
    assertThat(decision.rule()).isEmpty();
    assertThat(decision.reasons()).first().isEqualTo("credential limits: server key reaches its project");
    assertThat(decision.reasons()).last().isEqualTo("no rule matched threads.read");
  }

  @Test
  void builtInSourceWhenParsedThenSameRulesAsBuiltIn() {
    assertThat(Policy.parse(Policy.builtInSource(), "default.yaml").rules())
        .extracting(PolicyRule::name)
        .containsExactly("threads-are-private", "users-may-read-agents", "users-may-search-agents",
            "users-cannot-touch-agents");
  }

  // The rules as CredentialLimitsAuthorizer hard-coded them before the policy engine.
  private static final Set<Resource> ADMIN_ONLY = EnumSet.of(Resource.PROJECTS, Resource.API_KEYS, Resource.SIGNING_KEYS);
  private static final Set<Resource> ANY_AUTHENTICATED = EnumSet.of(Resource.PUBLIC, Resource.SESSIONS);

  private static Decision legacy(Principal principal, Operation operation) {
    Resource resource = operation.resource();
    if (ANY_AUTHENTICATED.contains(resource)) {
      return Decision.Allowed.UNRESTRICTED;
    }
    return switch (principal.kind()) {
      case ADMIN -> ADMIN_ONLY.contains(resource) || resource == Resource.AUDIT
          ? Decision.Allowed.UNRESTRICTED
          : new Decision.Denied(ErrorCode.FORBIDDEN,
              "The admin key manages projects and their keys; use a server key of the project for "
                  + resource.wireName() + ".");
      case SERVER -> ADMIN_ONLY.contains(resource)
          ? new Decision.Denied(ErrorCode.FORBIDDEN, resource.wireName() + " requires the admin key.")
          : Decision.Allowed.UNRESTRICTED;
      default -> principal.workspaceId().isPresent()
          ? workspaceRules(principal.workspaceId().get(), operation)
          : new Decision.Denied(ErrorCode.FORBIDDEN, "This credential may not use " + resource.wireName() + ".");
    };
  }

  private static Decision workspaceRules(String workspaceId, Operation operation) {
    return switch (operation.resource()) {
      case THREADS -> new Decision.Allowed(ResourceFilter.metadataEquals(Map.of("owner", workspaceId)),
          Map.of("owner", workspaceId));
      case AGENTS -> operation.action() == Action.READ || operation.action() == Action.SEARCH
          ? Decision.Allowed.UNRESTRICTED
          : new Decision.Denied(ErrorCode.FORBIDDEN, "User lacks the required permissions.");
      default -> new Decision.Denied(ErrorCode.FORBIDDEN,
          "A workspace credential may not use " + operation.resource().wireName() + ".");
    };
  }
}

package dev.portcullis.core.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of API.md section 5's access table, allowed and refused, as step 1 of the engine. */
class ClientTokenLimitsTest {

  private static final CredentialLimitsAuthorizer LIMITS = new CredentialLimitsAuthorizer();

  @SafeVarargs
  private static Principal token(Map<String, Object>... grants) {
    return new Principal(Principal.Kind.CLIENT, "ctk_1", Optional.of("prj_1"), Optional.empty(), List.of(),
        Optional.empty(), "ctk_1", Map.of("policy", List.of(grants)));
  }

  private static Map<String, Object> grant(String type, String id, String... access) {
    return Map.of("type", type, "id", id, "access", List.of(access));
  }

  private static AuthzRequest request(Principal p, Resource resource, Action action, String id,
      Map<String, Object> resourceView) {
    return new AuthzRequest(p, Operation.of(resource, action), Optional.ofNullable(id), () -> resourceView);
  }

  /** A thread of agent {@code agentId}, as the engine's resource view shows it. */
  private static Map<String, Object> threadOf(String id, String agentId) {
    return Map.of("id", id, "agent_id", agentId, "metadata", Map.of());
  }

  static Stream<Arguments> table() {
    Principal readAgent = token(grant("agent", "agt_a", "read_agent"));
    Principal writeAgent = token(grant("agent", "agt_a", "write_agent"));
    Principal readMessages = token(grant("agent", "agt_a", "read_messages"));
    Principal writeMessages = token(grant("agent", "agt_a", "write_messages"));
    Principal threadRead = token(grant("thread", "thr_t", "read_messages"));
    Principal threadWrite = token(grant("thread", "thr_t", "write_messages"));
    Map<String, Object> none = Map.of();
    return Stream.of(
        Arguments.of("read_agent: GET its agent", readAgent, Resource.AGENTS, Action.READ, "agt_a", none, "allow"),
        Arguments.of("read_agent: GET another agent", readAgent, Resource.AGENTS, Action.READ, "agt_b", none,
            "insufficient_scope"),
        Arguments.of("read_agent: PATCH its agent", readAgent, Resource.AGENTS, Action.UPDATE, "agt_a", none,
            "insufficient_scope"),
        Arguments.of("write_agent: PATCH its agent", writeAgent, Resource.AGENTS, Action.UPDATE, "agt_a", none, "allow"),
        Arguments.of("write_agent: PATCH another agent", writeAgent, Resource.AGENTS, Action.UPDATE, "agt_b", none,
            "insufficient_scope"),
        Arguments.of("write_agent: GET its agent (read_agent not granted)", writeAgent, Resource.AGENTS, Action.READ,
            "agt_a", none, "insufficient_scope"),
        Arguments.of("any: create an agent", token(grant("agent", "agt_a", "read_agent", "write_agent")),
            Resource.AGENTS, Action.CREATE, null, none, "insufficient_scope"),
        Arguments.of("any: delete its agent", token(grant("agent", "agt_a", "read_agent", "write_agent")),
            Resource.AGENTS, Action.DELETE, "agt_a", none, "insufficient_scope"),
        Arguments.of("read_messages: read a thread (filtered)", readMessages, Resource.THREADS, Action.READ, "thr_x",
            threadOf("thr_x", "agt_a"), "allow"),
        Arguments.of("read_messages: post a message", readMessages, Resource.THREADS, Action.UPDATE, "thr_x",
            threadOf("thr_x", "agt_a"), "insufficient_scope"),
        Arguments.of("read_messages: run", readMessages, Resource.THREADS, Action.CREATE_RUN, "thr_x",
            threadOf("thr_x", "agt_a"), "insufficient_scope"),
        Arguments.of("read_messages: create a thread", readMessages, Resource.THREADS, Action.CREATE, null,
            Map.of("agent_id", "agt_a"), "insufficient_scope"),
        Arguments.of("write_messages: create a thread on its agent", writeMessages, Resource.THREADS, Action.CREATE,
            null, Map.of("agent_id", "agt_a"), "allow"),
        Arguments.of("write_messages: create a thread on another agent", writeMessages, Resource.THREADS,
            Action.CREATE, null, Map.of("agent_id", "agt_b"), "insufficient_scope"),
        Arguments.of("write_messages: post to a thread of its agent", writeMessages, Resource.THREADS, Action.UPDATE,
            "thr_x", threadOf("thr_x", "agt_a"), "allow"),
        Arguments.of("write_messages: run a thread of its agent", writeMessages, Resource.THREADS, Action.CREATE_RUN,
            "thr_x", threadOf("thr_x", "agt_a"), "allow"),
        Arguments.of("write_messages: run a thread of another agent", writeMessages, Resource.THREADS,
            Action.CREATE_RUN, "thr_y", threadOf("thr_y", "agt_b"), "insufficient_scope"),
        Arguments.of("write_messages: delete a thread of its agent", writeMessages, Resource.THREADS, Action.DELETE,
            "thr_x", threadOf("thr_x", "agt_a"), "insufficient_scope"),
        Arguments.of("thread read_messages: read it (filtered)", threadRead, Resource.THREADS, Action.READ, "thr_t",
            threadOf("thr_t", "agt_a"), "allow"),
        Arguments.of("thread read_messages: post to it", threadRead, Resource.THREADS, Action.UPDATE, "thr_t",
            threadOf("thr_t", "agt_a"), "insufficient_scope"),
        Arguments.of("thread write_messages: post to it", threadWrite, Resource.THREADS, Action.UPDATE, "thr_t",
            threadOf("thr_t", "agt_a"), "allow"),
        Arguments.of("thread write_messages: run it", threadWrite, Resource.THREADS, Action.CREATE_RUN, "thr_t",
            threadOf("thr_t", "agt_a"), "allow"),
        Arguments.of("thread write_messages: post to a sibling thread of the same agent", threadWrite,
            Resource.THREADS, Action.UPDATE, "thr_u", threadOf("thr_u", "agt_a"), "insufficient_scope"),
        Arguments.of("thread write_messages: never creates threads", threadWrite, Resource.THREADS, Action.CREATE,
            null, Map.of("agent_id", "agt_a"), "insufficient_scope"),
        Arguments.of("never: api keys", writeMessages, Resource.API_KEYS, Action.SEARCH, null, none, "forbidden"),
        Arguments.of("never: client tokens", writeMessages, Resource.CLIENT_TOKENS, Action.CREATE, null, none,
            "forbidden"),
        Arguments.of("never: workspace tokens", writeMessages, Resource.WORKSPACE_TOKENS, Action.CREATE, null, none,
            "forbidden"),
        Arguments.of("never: auth rules", writeMessages, Resource.AUTH_RULES, Action.CREATE, null, none, "forbidden"),
        Arguments.of("never: projects", writeMessages, Resource.PROJECTS, Action.READ, "prj_1", none, "forbidden"),
        Arguments.of("never: audit", writeMessages, Resource.AUDIT, Action.SEARCH, null, none, "forbidden"),
        Arguments.of("never: signing keys", writeMessages, Resource.SIGNING_KEYS, Action.CREATE, null, none,
            "forbidden"),
        Arguments.of("sessions are any credential's", writeMessages, Resource.SESSIONS, Action.CREATE, null, none,
            "allow"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decideWhenClientTokenThenExactlyWhatItsPolicyGrants(String name, Principal token, Resource resource,
      Action action, String id, Map<String, Object> view, String expected) {
    Decision decision = LIMITS.decide(request(token, resource, action, id, view));
    if (expected.equals("allow")) {
      assertThat(decision).as(decision.reasons().toString()).isInstanceOf(Decision.Allowed.class);
    } else {
      assertThat(decision).isInstanceOf(Decision.Denied.class);
      assertThat(((Decision.Denied) decision).code().code()).isEqualTo(expected);
    }
  }

  static Stream<Arguments> reaches() {
    Principal mixed = token(grant("agent", "agt_a", "read_agent", "read_messages"),
        grant("agent", "agt_b", "write_messages"), grant("thread", "thr_t", "read_messages"));
    return Stream.of(
        Arguments.of(mixed, Resource.AGENTS, Action.SEARCH, new IdRestriction(Set.of("agt_a"), Set.of())),
        Arguments.of(mixed, Resource.THREADS, Action.SEARCH, new IdRestriction(Set.of("thr_t"), Set.of("agt_a"))),
        Arguments.of(mixed, Resource.THREADS, Action.READ, new IdRestriction(Set.of("thr_t"), Set.of("agt_a"))),
        Arguments.of(token(grant("agent", "agt_b", "write_messages")), Resource.THREADS, Action.SEARCH,
            new IdRestriction(Set.of(), Set.of())));
  }

  @ParameterizedTest
  @MethodSource("reaches")
  void decideWhenReadOrSearchThenConfinedToTheGrantedIdsInSql(Principal token, Resource resource, Action action,
      IdRestriction expected) {
    Decision decision = LIMITS.decide(request(token, resource, action, null, Map.of()));
    assertThat(((Decision.Allowed) decision).filter().idRestrictions()).containsExactly(expected);
  }
}

package dev.portcullis.core.view;

import dev.portcullis.core.apikey.ApiKey;
import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.IdRestriction;
import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.domain.Agent;
import dev.portcullis.core.domain.AgentThread;
import dev.portcullis.core.domain.Message;
import dev.portcullis.core.domain.Project;
import dev.portcullis.core.domain.Run;
import dev.portcullis.core.store.Page;
import dev.portcullis.spi.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JSON shapes of API.md as ordered maps, ready for any JSON writer. Absent optional
 * values are written as {@code null} so that every object of a kind has the same keys.
 */
public final class JsonViews {

  private JsonViews() {}

  public static Map<String, Object> project(Project p) {
    return object("id", p.id(), "name", p.name(), "created_at", time(p.createdAt()));
  }

  /** A key as listed: never its value or hash. */
  public static Map<String, Object> apiKey(ApiKey k) {
    return object("id", k.id(), "project_id", k.projectId(), "name", k.name(), "prefix", k.prefix(),
        "created_at", time(k.createdAt()), "expires_at", time(k.expiresAt()),
        "last_used_at", time(k.lastUsedAt()));
  }

  /** An identity-provider rule (API.md section 6). */
  public static Map<String, Object> authRule(AuthRule r) {
    return object("id", r.id(), "name", r.name(), "issuer", r.issuer(), "jwks_uri", r.jwksUri().toString(),
        "audience", r.audience(), "workspace_claim", r.workspaceClaim(), "algorithms", r.algorithms(),
        "created_at", time(r.createdAt()));
  }

  public static Map<String, Object> agent(Agent a) {
    return object("id", a.id(), "name", a.name(), "model", a.model(), "system", a.system().orElse(null),
        "metadata", a.metadata(), "created_at", time(a.createdAt()), "updated_at", time(a.updatedAt()));
  }

  public static Map<String, Object> thread(AgentThread t) {
    return object("id", t.id(), "agent_id", t.agentId(), "metadata", t.metadata(),
        "created_at", time(t.createdAt()), "updated_at", time(t.updatedAt()));
  }

  public static Map<String, Object> message(Message m) {
    return object("id", m.id(), "thread_id", m.threadId(), "run_id", m.runId().orElse(null),
        "role", m.role(), "content", m.content(), "created_at", time(m.createdAt()));
  }

  /** A run with the messages it produced as {@code output.messages}. */
  public static Map<String, Object> run(Run r, List<Message> output) {
    return object("id", r.id(), "thread_id", r.threadId(), "agent_id", r.agentId(),
        "status", r.status().wireName(), "error", r.error().orElse(null),
        "output", Map.of("messages", output.stream().map(JsonViews::message).toList()),
        "created_at", time(r.createdAt()), "completed_at", time(r.completedAt()));
  }

  public static Map<String, Object> principal(Principal p) {
    return object("kind", p.kind().wireName(), "project_id", p.projectId().orElse(null),
        "identity", p.identity(), "workspace_id", p.workspaceId().orElse(null),
        "permissions", p.permissions(), "expires_at", time(p.expiresAt()));
  }

  /**
   * A filter as a policy file writes it: per metadata key, an operator object such as
   * {@code {"$eq": "alice"}}; a key holding the same operator twice (filters of several rules
   * ANDed) gets a list of such objects, so that nothing is hidden. A client token's reach is
   * {@code "$or": [{"id": {"$in": [...]}}, {"agent_id": {"$in": [...]}}]}.
   */
  public static Map<String, Object> filter(ResourceFilter filter) {
    Map<String, List<Map<String, Object>>> byKey = new LinkedHashMap<>();
    for (FilterCondition condition : filter.conditions()) {
      Map<String, Object> operator = switch (condition) {
        case FilterCondition.Equals e -> Map.of("$eq", e.value());
        case FilterCondition.NotEquals n -> Map.of("$ne", n.value());
        case FilterCondition.In in -> Map.of("$in", in.values());
        case FilterCondition.Contains c -> Map.of("$contains", c.value());
      };
      byKey.computeIfAbsent(condition.key(), k -> new java.util.ArrayList<>()).add(operator);
    }
    Map<String, Object> rendered = new LinkedHashMap<>();
    byKey.forEach((key, operators) -> {
      boolean distinct = operators.stream().map(o -> o.keySet().iterator().next()).distinct().count() == operators.size();
      if (distinct) {
        Map<String, Object> merged = new LinkedHashMap<>();
        operators.forEach(merged::putAll);
        rendered.put(key, merged);
      } else {
        rendered.put(key, operators);
      }
    });
    // Metadata keys never start with "$", so the client token's reach cannot clash with one.
    List<Object> reaches = new java.util.ArrayList<>();
    for (IdRestriction restriction : filter.idRestrictions()) {
      List<Object> either = new java.util.ArrayList<>();
      either.add(Map.of("id", Map.of("$in", restriction.ids().stream().sorted().toList())));
      if (!restriction.agentIds().isEmpty()) {
        either.add(Map.of("agent_id", Map.of("$in", restriction.agentIds().stream().sorted().toList())));
      }
      reaches.add(Map.of("$or", either));
    }
    if (reaches.size() == 1) {
      rendered.put("$or", ((Map<?, ?>) reaches.getFirst()).get("$or"));
    } else if (!reaches.isEmpty()) {
      rendered.put("$and", reaches);
    }
    return rendered;
  }

  /** {@code {"data": [...], "next_cursor": ...}} (API.md section 1). */
  public static <T> Map<String, Object> page(Page<T> page, Function<T, Map<String, Object>> view) {
    return object("data", page.data().stream().map(view).toList(),
        "next_cursor", page.nextCursor().orElse(null));
  }

  public static String time(Instant t) {
    return t.toString();
  }

  private static String time(Optional<Instant> t) {
    return t.map(Instant::toString).orElse(null);
  }

  /** An ordered map that, unlike {@link Map#of}, keeps order and allows null values. */
  private static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}

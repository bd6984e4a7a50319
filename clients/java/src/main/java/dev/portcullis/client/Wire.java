package dev.portcullis.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The JSON of the API's bodies, both ways. Written out by hand rather than bound by reflection,
 * so that the public records carry no Jackson annotations, absent and {@code null} both read as
 * an empty {@link Optional}, and fields a newer server adds are ignored.
 */
final class Wire {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private Wire() {}

  /** A body that is not what the API promises; the transport names the request it answered. */
  static final class UnexpectedBody extends RuntimeException {
    UnexpectedBody(String message) {
      super(message);
    }
  }

  // Answers.

  static Principal principal(JsonNode n) {
    return new Principal(constant(Principal.Kind.class, text(n, "kind")), optionalText(n, "project_id"),
        text(n, "identity"), optionalText(n, "workspace_id"), list(n, "permissions", JsonNode::asText),
        optionalText(n, "expires_at").map(Wire::instant));
  }

  static Agent agent(JsonNode n) {
    return new Agent(text(n, "id"), text(n, "name"), text(n, "model"), optionalText(n, "system"),
        map(n.get("metadata")), time(n, "created_at"), time(n, "updated_at"));
  }

  static ClientToken clientToken(JsonNode n) {
    return new ClientToken(text(n, "id"), list(n, "policy", Wire::grant), optionalText(n, "hostname"),
        time(n, "expires_at"), time(n, "created_at"));
  }

  static MintedClientToken mintedClientToken(JsonNode n) {
    return new MintedClientToken(text(n, "id"), text(n, "token"), list(n, "policy", Wire::grant),
        optionalText(n, "hostname"), time(n, "expires_at"), time(n, "created_at"));
  }

  static MintedWorkspaceToken mintedWorkspaceToken(JsonNode n) {
    return new MintedWorkspaceToken(text(n, "token"), text(n, "jti"), text(n, "workspace_id"), time(n, "expires_at"));
  }

  static AuthRule authRule(JsonNode n) {
    URI jwksUri;
    try {
      jwksUri = new URI(text(n, "jwks_uri"));
    } catch (URISyntaxException e) {
      throw new UnexpectedBody("jwks_uri is not a URI");
    }
    return new AuthRule(text(n, "id"), text(n, "name"), text(n, "issuer"), jwksUri, text(n, "audience"),
        text(n, "workspace_claim"), list(n, "algorithms", JsonNode::asText), time(n, "created_at"));
  }

  static <T> Page<T> page(JsonNode n, Function<JsonNode, T> item) {
    return new Page<>(list(n, "data", item), optionalText(n, "next_cursor"));
  }

  /** The error body {@code {"error": {"code", "message", "request_id"}}}, when {@code n} is one. */
  static Optional<ApiError> error(JsonNode n) {
    JsonNode e = n.path("error");
    if (!e.path("code").isTextual() || !e.path("message").isTextual() || !e.path("request_id").isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new ApiError(e.get("code").asText(), e.get("message").asText(), e.get("request_id").asText()));
  }

  record ApiError(String code, String message, String requestId) {}

  // Requests.

  static ObjectNode newAgent(NewAgent agent) {
    ObjectNode body = JSON.createObjectNode().put("name", agent.name());
    agent.model().ifPresent(m -> body.put("model", m));
    agent.system().ifPresent(s -> body.put("system", s));
    if (!agent.metadata().isEmpty()) {
      body.set("metadata", JSON.valueToTree(agent.metadata()));
    }
    return body;
  }

  static ObjectNode agentChanges(AgentChanges changes) {
    ObjectNode body = JSON.createObjectNode();
    changes.name().ifPresent(v -> body.put("name", v));
    changes.model().ifPresent(v -> body.put("model", v));
    changes.system().ifPresent(v -> body.put("system", v));
    changes.metadata().ifPresent(v -> body.set("metadata", JSON.valueToTree(v)));
    return body;
  }

  static ObjectNode clientTokenRequest(List<Grant> policy, Optional<String> hostname, Optional<Instant> expiresAt) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode grants = body.putArray("policy");
    for (Grant g : policy) {
      ObjectNode grant = grants.addObject().put("type", name(g.type())).put("id", g.id());
      ArrayNode access = grant.putArray("access");
      // In the order of the API's table, so that the same policy is always the same request.
      g.access().stream().sorted(Comparator.naturalOrder()).forEach(a -> access.add(name(a)));
    }
    hostname.ifPresent(h -> body.put("hostname", h));
    expiresAt.ifPresent(t -> body.put("expires_at", t.toString()));
    return body;
  }

  static ObjectNode workspaceTokenRequest(String workspaceId, Optional<String> userId, Optional<Long> ttlSeconds,
      Map<String, ?> claims) {
    ObjectNode body = JSON.createObjectNode().put("workspace_id", workspaceId);
    userId.ifPresent(u -> body.put("user_id", u));
    ttlSeconds.ifPresent(t -> body.put("ttl_seconds", t));
    if (!claims.isEmpty()) {
      body.set("claims", JSON.valueToTree(claims));
    }
    return body;
  }

  static ObjectNode newAuthRule(NewAuthRule rule) {
    ObjectNode body = JSON.createObjectNode().put("name", rule.name()).put("issuer", rule.issuer())
        .put("jwks_uri", rule.jwksUri().toString()).put("audience", rule.audience());
    rule.workspaceClaim().ifPresent(c -> body.put("workspace_claim", c));
    if (!rule.algorithms().isEmpty()) {
      rule.algorithms().forEach(body.putArray("algorithms")::add);
    }
    return body;
  }

  static ObjectNode object(String field, String value) {
    return JSON.createObjectNode().put(field, Objects.requireNonNull(value, field));
  }

  // Pieces.

  private static Grant grant(JsonNode n) {
    List<Grant.Access> access = list(n, "access", a -> constant(Grant.Access.class, a.asText()));
    return new Grant(constant(Grant.Type.class, text(n, "type")), text(n, "id"), Set.copyOf(access));
  }

  /** {@code READ_AGENT} is {@code read_agent} on the wire. */
  private static String name(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  private static <E extends Enum<E>> E constant(Class<E> type, String wireName) {
    try {
      return Enum.valueOf(type, wireName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UnexpectedBody("\"" + wireName + "\" is no " + type.getSimpleName() + " this client knows");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new UnexpectedBody(field + " is missing or not a string");
    }
    return v.asText();
  }

  private static Optional<String> optionalText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new UnexpectedBody(field + " is not a string");
    }
    return Optional.of(v.asText());
  }

  private static Instant time(JsonNode n, String field) {
    return instant(text(n, field));
  }

  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new UnexpectedBody("\"" + text + "\" is not an RFC 3339 time");
    }
  }

  private static <T> List<T> list(JsonNode n, String field, Function<JsonNode, T> item) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) {
      throw new UnexpectedBody(field + " is missing or not an array");
    }
    List<T> items = new ArrayList<>(v.size());
    v.forEach(e -> items.add(item.apply(e)));
    return items;
  }

  /** A JSON object as plain Java values, unmodifiable all the way down; {@code null} where the JSON has it. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode v) {
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw new UnexpectedBody("metadata is not an object");
    }
    return (Map<String, Object>) frozen(JSON.convertValue(v, OBJECT));
  }

  /** Records are values: nothing reachable from one may change. Map.copyOf and List.copyOf refuse nulls. */
  private static Object frozen(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, frozen(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(e -> copy.add(frozen(e)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}

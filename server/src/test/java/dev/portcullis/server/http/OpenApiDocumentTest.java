package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.jwt.TestIdentityProvider;
import dev.portcullis.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code /v1/openapi.json} honest: it is served as OpenAPI 3.1 JSON, it documents
 * exactly the routes the server registers with the same {@code resource.action}, and the
 * responses of the real server have the documented statuses and shapes.
 */
class OpenApiDocumentTest {

  private static final Pattern ROUTE = Pattern.compile("^([A-Z]+) (\\S+) -> (\\S+)$");
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  private static PortcullisServer server;
  private static HttpClient http;
  private static JsonNode doc;

  @BeforeAll
  static void start() throws Exception {
    server = PortcullisServer.start(
        ConfigLoader.load(Map.of("port", "0", "data", tmp.toString()), Map.of(), Optional.empty()), Map.of());
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = send("GET", "/v1/openapi.json", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    doc = JSON.readTree(response.body());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void isServedAsOpenApi31Json() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/openapi.json", null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    JsonNode served = JSON.readTree(response.body());
    assertThat(served.isObject()).isTrue();
    assertThat(served.path("openapi").asText()).matches("3\\.1\\.\\d+");
    assertThat(served.path("info").path("title").asText()).isNotBlank();
    assertThat(served.path("info").path("version").asText()).isNotBlank();
    assertThat(served.path("paths").isObject()).isTrue();
    assertThat(served.path("components").path("securitySchemes").path("bearer").path("scheme").asText())
        .isEqualTo("bearer");
  }

  @Test
  void documentsExactlyTheRegisteredRoutesWithTheirOperations() {
    Map<String, String> registered = new TreeMap<>();
    for (String entry : server.routeTable()) {
      Matcher m = ROUTE.matcher(entry);
      assertThat(m.matches()).as("route table entry %s", entry).isTrue();
      registered.put(m.group(1) + " " + m.group(2), m.group(3));
    }
    assertThat(registered).isNotEmpty();

    Map<String, String> documented = new TreeMap<>();
    doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
      if (HTTP_METHODS.contains(op.getKey())) {
        documented.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
            op.getValue().path("x-portcullis-operation").asText(null));
      }
    }));

    List<String> problems = new ArrayList<>();
    registered.forEach((route, operation) -> {
      if (!documented.containsKey(route)) {
        problems.add(route + " is registered (" + operation + ") but not documented");
      } else if (!operation.equals(documented.get(route))) {
        problems.add(route + " is registered as " + operation + " but documented as " + documented.get(route));
      }
    });
    documented.keySet().stream().filter(route -> !registered.containsKey(route))
        .forEach(route -> problems.add(route + " is documented but the server does not register it"));
    assertThat(problems).as("differences between the route table and /v1/openapi.json").isEmpty();
  }

  @Test
  void everyOperationIsComplete() {
    Set<String> operationIds = new HashSet<>();
    doc.path("paths").properties().forEach(path -> {
      Set<String> templated = new TreeSet<>();
      Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
      while (m.find()) {
        templated.add(m.group(1));
      }
      path.getValue().properties().forEach(entry -> {
        if (!HTTP_METHODS.contains(entry.getKey())) {
          return;
        }
        String where = entry.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
        JsonNode op = entry.getValue();
        String operation = op.path("x-portcullis-operation").asText();
        assertThat(op.path("operationId").asText()).as("operationId of %s", where).isNotBlank();
        assertThat(operationIds.add(op.path("operationId").asText())).as("unique operationId of %s", where).isTrue();
        assertThat(op.path("tags").isArray() && !op.path("tags").isEmpty()).as("tags of %s", where).isTrue();
        assertThat(op.path("security").isArray()).as("security of %s", where).isTrue();
        if (operation.startsWith("public.")) {
          assertThat(op.path("security")).as("public %s needs no credential", where).isEmpty();
        } else {
          assertThat(op.path("security").toString()).as("security of %s", where).contains("\"bearer\"");
          JsonNode unauthorized = resolve(op.path("responses").path("401"));
          assertThat(unauthorized.path("headers").has("WWW-Authenticate"))
              .as("401 of %s carries WWW-Authenticate", where).isTrue();
        }
        Set<String> declared = new TreeSet<>();
        List<JsonNode> parameters = new ArrayList<>();
        path.getValue().path("parameters").forEach(parameters::add);
        op.path("parameters").forEach(parameters::add);
        for (JsonNode p : parameters) {
          JsonNode parameter = resolve(p);
          if (parameter.path("in").asText().equals("path")) {
            assertThat(parameter.path("required").asBoolean()).as("path parameter of %s", where).isTrue();
            declared.add(parameter.path("name").asText());
          }
        }
        assertThat(declared).as("path parameters of %s", where).isEqualTo(templated);
        op.path("responses").properties().forEach(r ->
            assertThat(resolve(r.getValue()).path("headers").has("X-Request-Id"))
                .as("%s response %s documents X-Request-Id", where, r.getKey()).isTrue());
      });
    });
    assertThat(operationIds).isNotEmpty();
  }

  @Test
  void documentsTheSchemasAndEveryErrorCode() {
    JsonNode schemas = doc.path("components").path("schemas");
    for (String name : List.of("Project", "ApiKey", "ApiKeyCreated", "Agent", "Thread", "Message", "Run",
        "Principal", "Error", "ProjectPage", "ApiKeyPage", "AgentPage", "ThreadPage", "MessagePage",
        "WorkspaceToken", "JwkSet", "AuthRule", "AuthRulePage", "CreateAuthRuleRequest", "ExchangeRequest")) {
      assertThat(schemas.has(name)).as("components.schemas.%s", name).isTrue();
    }
    assertThat(schemas.path("ApiKeyCreated").path("properties").has("key")).isTrue();
    assertThat(schemas.path("ApiKey").path("properties").has("key")).isFalse();

    List<String> documented = new ArrayList<>();
    schemas.path("Error").path("properties").path("error").path("properties").path("code").path("enum")
        .forEach(code -> documented.add(code.asText()));
    assertThat(documented).containsExactlyInAnyOrderElementsOf(
        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
  }

  @Test
  void realResponsesHaveTheDocumentedStatusesAndShapes() throws Exception {
    String admin = server.generatedAdminKey().orElseThrow();

    JsonNode unauthenticated = check("GET", "/v1/me", "/v1/me", null, null, 401);
    assertThat(unauthenticated.path("error").path("code").asText()).isEqualTo("unauthenticated");
    check("GET", "/healthz", "/healthz", null, null, 200);
    check("GET", "/readyz", "/readyz", null, null, 200);
    check("GET", "/v1/me", "/v1/me", null, admin, 200);

    JsonNode project = check("POST", "/v1/projects", "/v1/projects", "{\"name\":\"docs\"}", admin, 201);
    String projectId = project.path("id").asText();
    check("GET", "/v1/projects", "/v1/projects", null, admin, 200);
    check("GET", "/v1/projects/" + projectId, "/v1/projects/{id}", null, admin, 200);
    check("GET", "/v1/projects/prj_missing", "/v1/projects/{id}", null, admin, 404);
    check("POST", "/v1/projects", "/v1/projects", "{\"name\":\"x\",\"color\":\"red\"}", admin, 400);

    JsonNode created = check("POST", "/v1/projects/" + projectId + "/api-keys", "/v1/projects/{id}/api-keys",
        "{\"name\":\"ci\",\"expires_at\":\"2999-01-01T00:00:00Z\"}", admin, 201);
    String serverKey = created.path("key").asText();
    JsonNode keys = check("GET", "/v1/projects/" + projectId + "/api-keys", "/v1/projects/{id}/api-keys",
        null, admin, 200);
    assertThat(keys.path("data")).hasSize(1);

    check("GET", "/v1/me", "/v1/me", null, serverKey, 200);
    check("GET", "/v1/agents", "/v1/agents", null, admin, 403);
    JsonNode agent = check("POST", "/v1/agents", "/v1/agents",
        "{\"name\":\"helper\",\"system\":\"Be brief.\",\"metadata\":{\"team\":\"docs\"}}", serverKey, 201);
    String agentId = agent.path("id").asText();
    check("GET", "/v1/agents", "/v1/agents", null, serverKey, 200);
    check("GET", "/v1/agents/" + agentId, "/v1/agents/{id}", null, serverKey, 200);
    check("PATCH", "/v1/agents/" + agentId, "/v1/agents/{id}", "{\"name\":\"helper 2\"}", serverKey, 200);

    JsonNode thread = check("POST", "/v1/threads", "/v1/threads",
        "{\"agent_id\":\"" + agentId + "\",\"metadata\":{\"a\":1,\"b\":\"x\"}}", serverKey, 201);
    String threadId = thread.path("id").asText();
    String t = "/v1/threads/" + threadId;
    JsonNode patched = check("PATCH", t, "/v1/threads/{id}", "{\"metadata\":{\"a\":null,\"c\":true}}", serverKey, 200);
    assertThat(patched.path("metadata").has("a")).isFalse();
    assertThat(patched.path("metadata").path("b").asText()).isEqualTo("x");
    assertThat(patched.path("metadata").path("c").asBoolean()).isTrue();
    check("GET", "/v1/threads?agent_id=" + agentId, "/v1/threads", null, serverKey, 200);
    check("POST", "/v1/threads/search", "/v1/threads/search", "{\"metadata\":{\"b\":\"x\"},\"limit\":10}",
        serverKey, 200);
    check("GET", t, "/v1/threads/{id}", null, serverKey, 200);

    check("POST", t + "/messages", "/v1/threads/{id}/messages", "{\"role\":\"user\",\"content\":\"hi\"}",
        serverKey, 201);
    check("POST", t + "/messages", "/v1/threads/{id}/messages", "{\"role\":\"assistant\",\"content\":\"hi\"}",
        serverKey, 400);
    JsonNode run = check("POST", t + "/runs", "/v1/threads/{id}/runs",
        "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}}", serverKey, 200);
    assertThat(run.path("status").asText()).isEqualTo("completed");
    assertThat(run.path("output").path("messages")).isNotEmpty();
    String runId = run.path("id").asText();
    check("GET", t + "/runs/" + runId, "/v1/threads/{id}/runs/{run_id}", null, serverKey, 200);
    check("GET", t + "/messages", "/v1/threads/{id}/messages", null, serverKey, 200);

    checkStream(send("POST", t + "/runs/stream",
        "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"stream this\"}]}}", serverKey),
        "/v1/threads/{id}/runs/stream", "post");
    checkStream(send("GET", t + "/runs/" + runId + "/stream", null, serverKey),
        "/v1/threads/{id}/runs/{run_id}/stream", "get");

    JsonNode minted = check("POST", "/v1/workspace-tokens", "/v1/workspace-tokens",
        "{\"workspace_id\":\"docs\",\"ttl_seconds\":60}", serverKey, 201);
    String workspaceToken = minted.path("token").asText();
    check("POST", "/v1/workspace-tokens", "/v1/workspace-tokens",
        "{\"workspace_id\":\"docs\",\"claims\":{\"iss\":\"x\"}}", serverKey, 400);
    check("POST", "/v1/workspace-tokens", "/v1/workspace-tokens", "{\"workspace_id\":\"docs\"}", workspaceToken, 403);
    JsonNode me = check("GET", "/v1/me", "/v1/me", null, workspaceToken, 200);
    assertThat(me.path("kind").asText()).isEqualTo("workspace");
    check("GET", "/.well-known/jwks.json", "/.well-known/jwks.json", null, null, 200);
    check("POST", "/v1/signing-keys/rotate", "/v1/signing-keys/rotate", null, serverKey, 403);
    check("POST", "/v1/signing-keys/rotate", "/v1/signing-keys/rotate", null, admin, 201);
    check("POST", "/v1/auth/session", "/v1/auth/session", null, serverKey, 400);
    check("POST", "/v1/auth/session", "/v1/auth/session", null, workspaceToken, 403); // no Origin
    check("DELETE", "/v1/auth/session", "/v1/auth/session", null, workspaceToken, 204);
    check("POST", "/v1/workspace-tokens/revoke", "/v1/workspace-tokens/revoke", "{}", serverKey, 400);
    check("POST", "/v1/workspace-tokens/revoke", "/v1/workspace-tokens/revoke",
        "{\"jti\":\"" + minted.path("jti").asText() + "\"}", serverKey, 204);
    JsonNode revokedToken = check("GET", "/v1/me", "/v1/me", null, workspaceToken, 401);
    assertThat(revokedToken.path("error").path("code").asText()).isEqualTo("token_revoked");

    check("DELETE", t, "/v1/threads/{id}", null, serverKey, 204);
    check("DELETE", "/v1/agents/" + agentId, "/v1/agents/{id}", null, serverKey, 204);
    check("DELETE", "/v1/projects/" + projectId + "/api-keys/" + created.path("id").asText(),
        "/v1/projects/{id}/api-keys/{key_id}", null, admin, 204);
    JsonNode revoked = check("GET", "/v1/me", "/v1/me", null, serverKey, 401);
    assertThat(revoked.path("error").path("code").asText()).isEqualTo("token_revoked");
    check("DELETE", "/v1/projects/" + projectId, "/v1/projects/{id}", null, admin, 204);
  }

  @Test
  void identityRoutesRespondWithTheDocumentedStatusesAndShapes() throws Exception {
    String admin = server.generatedAdminKey().orElseThrow();
    String projectId = check("POST", "/v1/projects", "/v1/projects", "{\"name\":\"identity\"}", admin, 201)
        .path("id").asText();
    String serverKey = check("POST", "/v1/projects/" + projectId + "/api-keys", "/v1/projects/{id}/api-keys",
        "{\"name\":\"ci\"}", admin, 201).path("key").asText();

    JsonNode minted = check("POST", "/v1/workspace-tokens", "/v1/workspace-tokens",
        "{\"workspace_id\":\"ws_docs\",\"ttl_seconds\":60}", serverKey, 201);
    check("POST", "/v1/workspace-tokens", "/v1/workspace-tokens", "{\"workspace_id\":\"ws\",\"claims\":{\"sub\":1}}",
        serverKey, 400);
    check("GET", "/v1/me", "/v1/me", null, minted.path("token").asText(), 200);
    check("POST", "/v1/workspace-tokens/revoke", "/v1/workspace-tokens/revoke",
        "{\"jti\":\"" + minted.path("jti").asText() + "\"}", serverKey, 204);
    check("GET", "/.well-known/jwks.json", "/.well-known/jwks.json", null, null, 200);
    check("POST", "/v1/signing-keys/rotate", "/v1/signing-keys/rotate", null, admin, 201);
    check("POST", "/v1/signing-keys/rotate", "/v1/signing-keys/rotate", null, serverKey, 403);
    check("DELETE", "/v1/auth/session", "/v1/auth/session", null, serverKey, 204);
    check("POST", "/v1/auth/session", "/v1/auth/session", null, serverKey, 400);

    try (TestIdentityProvider idp = TestIdentityProvider.start("openapi")) {
      JsonNode rule = check("POST", "/v1/auth-rules", "/v1/auth-rules", "{\"name\":\"idp\",\"issuer\":\"" + idp.issuer()
          + "\",\"jwks_uri\":\"" + idp.jwksUri() + "\",\"audience\":\"" + TestIdentityProvider.AUDIENCE
          + "\",\"workspace_claim\":\"{org_id}:{sub}\"}", serverKey, 201);
      check("POST", "/v1/auth-rules", "/v1/auth-rules", "{\"name\":\"x\",\"issuer\":\"i\",\"audience\":\"a\","
          + "\"jwks_uri\":\"https://e.test/jwks\",\"algorithms\":[\"HS256\"]}", serverKey, 400);
      check("POST", "/v1/auth-rules", "/v1/auth-rules", "{}", admin, 403);
      JsonNode rules = check("GET", "/v1/auth-rules", "/v1/auth-rules", null, serverKey, 200);
      assertThat(rules.path("data")).hasSize(1);

      String providerToken = idp.token().claim("org_id", "acme").rs256();
      String body = "{\"project_id\":\"" + projectId + "\"}";
      JsonNode exchanged = check("POST", "/v1/auth/exchange", "/v1/auth/exchange", body, providerToken, 201);
      assertThat(exchanged.path("workspace_id").asText()).isEqualTo("acme:alice");
      check("GET", "/v1/me", "/v1/me", null, providerToken, 200);
      check("POST", "/v1/auth/exchange", "/v1/auth/exchange", body, null, 401);
      check("POST", "/v1/auth/exchange", "/v1/auth/exchange", "{}", providerToken, 400);
      check("POST", "/v1/auth/exchange", "/v1/auth/exchange", "{\"project_id\":\"prj_nope\"}", providerToken, 401);

      String ruleId = rule.path("id").asText();
      check("DELETE", "/v1/auth-rules/" + ruleId, "/v1/auth-rules/{id}", null, serverKey, 204);
      check("DELETE", "/v1/auth-rules/" + ruleId, "/v1/auth-rules/{id}", null, serverKey, 404);
      idp.stop();
      check("POST", "/v1/auth-rules", "/v1/auth-rules", "{\"name\":\"down\",\"issuer\":\"" + idp.issuer()
          + "\",\"jwks_uri\":\"http://127.0.0.1:1/jwks.json\",\"audience\":\"" + TestIdentityProvider.AUDIENCE
          + "\"}", serverKey, 201);
      check("POST", "/v1/auth/exchange", "/v1/auth/exchange", body, idp.token().rs256(), 503);
    }
  }

  /** Sends a request and checks its status and body against the document's operation. */
  private static JsonNode check(String method, String uri, String template, String body, String key,
      int expectedStatus) throws Exception {
    HttpResponse<String> response = send(method, uri, body, key);
    String where = method + " " + uri;
    assertThat(response.statusCode()).as("status of %s: %s", where, response.body()).isEqualTo(expectedStatus);
    assertThat(response.headers().firstValue("X-Request-Id")).as("X-Request-Id of %s", where).isPresent();
    JsonNode op = doc.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
    assertThat(op.isObject()).as("%s %s is documented", method, template).isTrue();
    JsonNode documented = resolve(op.path("responses").path(Integer.toString(expectedStatus)));
    assertThat(documented.isObject()).as("status %d of %s is documented", expectedStatus, where).isTrue();
    if (response.statusCode() == 401) {
      assertThat(response.headers().firstValue("WWW-Authenticate")).as("WWW-Authenticate of %s", where).isPresent();
    }
    JsonNode content = documented.path("content").path("application/json");
    if (response.statusCode() == 204) {
      assertThat(response.body()).isEmpty();
      assertThat(documented.has("content")).isFalse();
      return JSON.missingNode();
    }
    assertThat(content.isObject()).as("%s documents a JSON body", where).isTrue();
    JsonNode json = JSON.readTree(response.body());
    conforms(content.path("schema"), json, where);
    return json;
  }

  /** Checks the events of an SSE response against the schemas the document names for them. */
  private static void checkStream(HttpResponse<String> response, String template, String method) {
    assertThat(response.statusCode()).as("status of %s", template).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/event-stream"));
    JsonNode media = resolve(doc.path("paths").path(template).path(method).path("responses").path("200"))
        .path("content").path("text/event-stream");
    JsonNode events = media.path("x-portcullis-events");
    assertThat(events.isObject()).as("%s documents its events", template).isTrue();

    List<String> names = new ArrayList<>();
    long lastId = 0;
    for (String block : response.body().split("\n\n")) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line : block.split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
      }
      if (!fields.containsKey("event")) {
        continue;
      }
      long id = Long.parseLong(fields.get("id"));
      assertThat(id).as("event ids increase").isGreaterThan(lastId);
      lastId = id;
      String name = fields.get("event");
      names.add(name);
      assertThat(events.has(name)).as("event %s is documented", name).isTrue();
      try {
        conforms(events.path(name), JSON.readTree(fields.get("data")), template + " event " + name);
      } catch (java.io.IOException e) {
        throw new AssertionError("event data is not JSON: " + fields.get("data"), e);
      }
    }
    assertThat(names).first().isEqualTo("run.created");
    assertThat(names).contains("message.delta", "message.completed");
    assertThat(names).last().isEqualTo("run.completed");
  }

  /**
   * A small structural check of {@code value} against {@code schema}: types, const and enum,
   * required properties, no undocumented properties where {@code additionalProperties} is
   * false, array items and {@code $ref}s.
   */
  private static void conforms(JsonNode schemaOrRef, JsonNode value, String where) {
    JsonNode schema = resolve(schemaOrRef);
    JsonNode type = schema.path("type");
    if (!type.isMissingNode()) {
      List<String> types = new ArrayList<>();
      if (type.isArray()) {
        type.forEach(t -> types.add(t.asText()));
      } else {
        types.add(type.asText());
      }
      assertThat(types).as("type of %s (%s)", where, value).contains(typeOf(value));
    }
    if (value.isNull()) {
      return;
    }
    if (schema.has("const")) {
      assertThat(value).as("const of %s", where).isEqualTo(schema.get("const"));
    }
    if (schema.has("enum")) {
      assertThat(schema.get("enum")).as("enum of %s", where).contains(value);
    }
    if (schema.has("pattern") && value.isTextual()) {
      assertThat(value.asText()).as("pattern of %s", where).containsPattern(schema.get("pattern").asText());
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      schema.path("required").forEach(r ->
          assertThat(value.has(r.asText())).as("%s has required %s: %s", where, r.asText(), value).isTrue());
      if (schema.path("additionalProperties").isBoolean() && !schema.path("additionalProperties").asBoolean()) {
        Set<String> undocumented = new TreeSet<>();
        value.fieldNames().forEachRemaining(undocumented::add);
        properties.fieldNames().forEachRemaining(undocumented::remove);
        assertThat(undocumented).as("undocumented fields of %s", where).isEmpty();
      }
      properties.properties().forEach(p -> {
        if (value.has(p.getKey())) {
          conforms(p.getValue(), value.get(p.getKey()), where + "." + p.getKey());
        }
      });
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        conforms(schema.get("items"), value.get(i), where + "[" + i + "]");
      }
    }
  }

  private static String typeOf(JsonNode value) {
    if (value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    return value.isArray() ? "array" : "object";
  }

  /** Follows a local {@code $ref} such as {@code #/components/schemas/Run}. */
  private static JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    for (int depth = 0; current.has("$ref"); depth++) {
      assertThat(depth).as("$ref chain too long at %s", current).isLessThan(10);
      String ref = current.get("$ref").asText();
      assertThat(ref).startsWith("#/");
      current = doc.at(ref.substring(1));
      assertThat(current.isMissingNode()).as("%s resolves", ref).isFalse();
    }
    return current;
  }

  private static HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

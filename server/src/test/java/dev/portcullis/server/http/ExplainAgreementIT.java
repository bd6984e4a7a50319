package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/authz/explain} agrees with the real decision on every case of the
 * rule-resolution table of {@code PolicyAuthorizerTest} (API.md section 7), over HTTP. Each row
 * is explained first, with the row's credential, then sent for real with that credential; what
 * explain said is then held against what the request got:
 * <ul>
 *   <li>{@code deny}: {@code 403 forbidden} with explain's {@code message}, nothing changed, and
 *       one {@code authz.denied} audit event naming explain's {@code rule};
 *   <li>{@code not_found}: {@code 404 not_found} with explain's {@code message}, nothing changed;
 *   <li>{@code allow}: a 2xx whose effect is explain's: a created thread carries explain's
 *       {@code metadata}, a list holds exactly the stored resources explain's {@code filter} lets
 *       through, a read or deleted resource passes it.
 * </ul>
 * Explain's decision, rule, filter, metadata and message are also checked against the row, which
 * mirrors the core table.
 */
class ExplainAgreementIT {

  /** The policy of the core rule table ({@code PolicyAuthorizerTest}), the same file, from core's test jar. */
  static final String LEVELS = levels();

  private static String levels() {
    try (java.io.InputStream in = ExplainAgreementIT.class.getResourceAsStream(
        "/dev/portcullis/core/policy/levels-policy.yaml")) {
      return new String(java.util.Objects.requireNonNull(in, "levels-policy.yaml on the test class path").readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads the table's expected JSON, written with single quotes. */
  private static final ObjectMapper TABLE_JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
  private static final String OWNER_FILTER = "{'owner': {'$eq': 'ws_1'}}";
  private static final String OWNER_STAMP = "{'owner': 'ws_1'}";
  private static final Optional<String> NO_RULE = Optional.empty();

  /** Who sends a row's request: the principals of the core table, as workspace tokens or the server key. */
  enum Who {
    PLAIN("ws_1", Map.of()),
    TEAM("ws_1", Map.of("team", "blue")),
    ADMIN("ws_1", Map.of("role", "admin")),
    INTERN("ws_1", Map.of("role", "intern", "team", "blue")),
    TAGGER("ws_9", Map.of("role", "tagger")),
    AUDITOR("ws_1", Map.of("role", "auditor")),
    /** Not in the core table: creates another workspace's threads. */
    OTHER_ADMIN("ws_2", Map.of("role", "admin")),
    SERVER("", Map.of());

    final String workspace;
    final Map<String, Object> claims;

    Who(String workspace, Map<String, Object> claims) {
      this.workspace = workspace;
      this.claims = claims;
    }

    String mint(TestServer.ProjectKey project) {
      if (this == SERVER) {
        return project.key();
      }
      return project.api().post("/v1/workspace-tokens", Map.of("workspace_id", workspace, "claims", claims))
          .expect(201).json().get("token").asText();
    }
  }

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey p;
  static final Map<Who, String> credentials = new EnumMap<>(Who.class);
  static String agent;
  static String visibleAgent;
  static String hiddenAgent;
  static String ownBlue;
  static String ownRed;
  static String ownPlain;
  static String otherBlue;
  /** Per resource, what setup created (id to metadata); no row changes these. */
  static final Map<String, Map<String, JsonNode>> seeded = Map.of("threads", new LinkedHashMap<>(),
      "agents", new LinkedHashMap<>());

  @BeforeAll
  static void start() throws IOException {
    Path policy = Files.writeString(data.resolve("levels.yaml"), LEVELS);
    server = new TestServer(data, Map.of("policy", policy.toString()));
    p = server.newProject("agreement");
    for (Who who : Who.values()) {
      credentials.put(who, who.mint(p));
    }
    agent = p.agent();
    visibleAgent = seedAgent("visible", Map.of("visible", "yes"));
    hiddenAgent = seedAgent("hidden", Map.of("visible", "no"));
    // An admin's create falls through to the resource level, which stamps the owner.
    ownBlue = seedThread(Who.ADMIN, Map.of("team", "blue"));
    ownRed = seedThread(Who.ADMIN, Map.of("team", "red"));
    ownPlain = seedThread(Who.ADMIN, Map.of());
    otherBlue = seedThread(Who.OTHER_ADMIN, Map.of("team", "blue"));
    assertThat(seeded.get("threads").get(otherBlue).get("owner").asText()).isEqualTo("ws_2");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String seedAgent(String name, Map<String, Object> metadata) {
    JsonNode created = p.api().post("/v1/agents", Map.of("name", name, "metadata", metadata)).expect(201).json();
    seeded.get("agents").put(created.get("id").asText(), created.get("metadata"));
    return created.get("id").asText();
  }

  private static String seedThread(Who who, Map<String, Object> metadata) {
    JsonNode created = server.api(credentials.get(who))
        .post("/v1/threads", Map.of("agent_id", agent, "metadata", metadata)).expect(201).json();
    seeded.get("threads").put(created.get("id").asText(), created.get("metadata"));
    return created.get("id").asText();
  }

  /** A thread of ws_1 that only the row deleting it uses. */
  private static String freshOwnThread() {
    return server.api(credentials.get(Who.ADMIN)).post("/v1/threads", Map.of("agent_id", agent)).expect(201).json()
        .get("id").asText();
  }

  /** One real HTTP request. */
  record Call(String method, String path, Optional<Map<String, Object>> body) {
    Api.Reply send(Api api) {
      return switch (method) {
        case "GET" -> api.get(path);
        case "DELETE" -> api.delete(path);
        case "POST" -> api.post(path, body.orElseThrow());
        default -> throw new IllegalArgumentException(method);
      };
    }
  }

  /**
   * A request in both forms: as explain is asked about it ({@code resource}, {@code action}, the
   * {@code target} id, the create {@code body}) and as the HTTP {@code call} on that target.
   * Suppliers, because the ids exist only once setup ran.
   */
  record Request(String resource, String action, Supplier<Optional<String>> target,
      Supplier<Optional<Map<String, Object>>> body, Function<Optional<String>, Call> call) {}

  static Request threadRead(Supplier<String> id) {
    return new Request("threads", "read", () -> Optional.of(id.get()), Optional::empty,
        target -> new Call("GET", "/v1/threads/" + target.orElseThrow(), Optional.empty()));
  }

  static Request threadDelete(Supplier<String> id) {
    return new Request("threads", "delete", () -> Optional.of(id.get()), Optional::empty,
        target -> new Call("DELETE", "/v1/threads/" + target.orElseThrow(), Optional.empty()));
  }

  static Request threadCreate() {
    Supplier<Optional<Map<String, Object>>> body = () -> Optional.of(Map.of("agent_id", agent));
    return new Request("threads", "create", Optional::empty, body,
        target -> new Call("POST", "/v1/threads", body.get()));
  }

  static Request threadSearch() {
    return new Request("threads", "search", Optional::empty, Optional::empty,
        target -> new Call("POST", "/v1/threads/search", Optional.of(Map.of("limit", 200))));
  }

  static Request threadList() {
    return new Request("threads", "search", Optional::empty, Optional::empty,
        target -> new Call("GET", "/v1/threads?limit=200", Optional.empty()));
  }

  static Request agentRead(Supplier<String> id) {
    return new Request("agents", "read", () -> Optional.of(id.get()), Optional::empty,
        target -> new Call("GET", "/v1/agents/" + target.orElseThrow(), Optional.empty()));
  }

  static Request agentList() {
    return new Request("agents", "search", Optional::empty, Optional::empty,
        target -> new Call("GET", "/v1/agents?limit=200", Optional.empty()));
  }

  static Request projectRead() {
    return new Request("projects", "read", () -> Optional.of(p.projectId()), Optional::empty,
        target -> new Call("GET", "/v1/projects/" + target.orElseThrow(), Optional.empty()));
  }

  /** A row: who sends which request, and what explain must answer (as the core table decides). */
  record Case(String name, Who who, Request request, String decision, Optional<String> rule, JsonNode filter,
      JsonNode metadata, Optional<String> message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case allow(String name, Who who, Request request, Optional<String> rule, String filter, String metadata) {
    return new Case(name, who, request, "allow", rule, json(filter), json(metadata), Optional.empty());
  }

  static Case deny(String name, Who who, Request request, Optional<String> rule, String message) {
    return new Case(name, who, request, "deny", rule, json("null"), json("null"), Optional.of(message));
  }

  static Case notFound(String name, Who who, Request request, Optional<String> rule, String filter, String metadata,
      String message) {
    return new Case(name, who, request, "not_found", rule, json(filter), json(metadata), Optional.of(message));
  }

  static Optional<String> rule(String name) {
    return Optional.of(name);
  }

  static JsonNode json(String text) {
    try {
      return TABLE_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code PolicyAuthorizerTest.cases()}, each as one or more HTTP requests, plus what the filters hide. */
  static Stream<Case> table() {
    return Stream.of(
        allow("resource level applies when no action rule matches: GET own thread", Who.PLAIN,
            threadRead(() -> ownPlain), rule("threads-are-private"), OWNER_FILTER, OWNER_STAMP),
        notFound("resource level filter hides another workspace's thread: GET", Who.PLAIN,
            threadRead(() -> otherBlue), rule("threads-are-private"), OWNER_FILTER, OWNER_STAMP, "Thread not found."),
        allow("every matching rule of the level applies, filters ANDed: POST /v1/threads/search", Who.TEAM,
            threadSearch(), rule("threads-are-private"), "{'owner': {'$eq': 'ws_1'}, 'team': {'$eq': 'blue'}}",
            OWNER_STAMP),
        allow("every matching rule of the level applies, filters ANDed: GET /v1/threads", Who.TEAM,
            threadList(), rule("threads-are-private"), "{'owner': {'$eq': 'ws_1'}, 'team': {'$eq': 'blue'}}",
            OWNER_STAMP),
        deny("action level deny beats the resource level: DELETE own thread", Who.PLAIN,
            threadDelete(() -> ownPlain), rule("no-deleting-threads"), "Only admins delete threads."),
        notFound("action level deny on a thread the caller cannot read is 404, not 403: DELETE", Who.PLAIN,
            threadDelete(() -> otherBlue), rule("no-deleting-threads"), "null", "null", "Thread not found."),
        notFound("action level deny on a thread that does not exist is 404: DELETE", Who.PLAIN,
            threadDelete(() -> "thr_missing"), rule("no-deleting-threads"), "null", "null", "Thread not found."),
        allow("false action condition falls through to the resource level: DELETE own thread", Who.ADMIN,
            threadDelete(ExplainAgreementIT::freshOwnThread), rule("threads-are-private"), OWNER_FILTER, OWNER_STAMP),
        notFound("false action condition falls through to a filter hiding another workspace's thread: DELETE",
            Who.ADMIN, threadDelete(() -> otherBlue), rule("threads-are-private"), OWNER_FILTER, OWNER_STAMP,
            "Thread not found."),
        deny("a when that fails to evaluate denies: POST /v1/threads", Who.PLAIN, threadCreate(),
            rule("interns-create-nothing"), "An authorization rule could not be evaluated."),
        deny("any deny of the deciding level denies: POST /v1/threads", Who.INTERN, threadCreate(),
            rule("interns-create-nothing"), "Interns may not create threads."),
        allow("metadata expressions evaluate to plain values: POST /v1/threads", Who.TAGGER, threadCreate(),
            rule("tagged-create"), "{}", "{'tag': 't-ws_9', 'level': 3, 'ratio': 0.5, 'flag': true, 'tags': ['a', 'b']}"),
        allow("global level applies when no resource rule matches: GET visible agent", Who.AUDITOR,
            agentRead(() -> visibleAgent), rule("everything-for-audit-claims"), "{'visible': {'$eq': 'yes'}}", "{}"),
        notFound("global level filter hides an agent: GET", Who.AUDITOR, agentRead(() -> hiddenAgent),
            rule("everything-for-audit-claims"), "{'visible': {'$eq': 'yes'}}", "{}", "Agent not found."),
        allow("global level applies when no resource rule matches: GET /v1/agents", Who.AUDITOR, agentList(),
            rule("everything-for-audit-claims"), "{'visible': {'$eq': 'yes'}}", "{}"),
        allow("no matching rule allows within the limits: GET another workspace's thread with the server key",
            Who.SERVER, threadRead(() -> otherBlue), NO_RULE, "{}", "{}"),
        allow("no matching rule allows within the limits: GET /v1/threads with the server key", Who.SERVER,
            threadList(), NO_RULE, "{}", "{}"),
        deny("the limits decide before any rule: GET /v1/projects/{id} with the server key", Who.SERVER,
            projectRead(), NO_RULE, "projects requires the admin key."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void requestWhenExplainedFirstThenRealRequestAgreesWithExplanation(Case c) {
    Optional<String> target = c.request().target().get();
    JsonNode explained = explain(c.who(), c.request(), target);

    assertThat(explained.get("decision").asText()).as("decision in %s", explained).isEqualTo(c.decision());
    assertThat(textOrEmpty(explained.get("rule"))).as("rule in %s", explained).isEqualTo(c.rule());
    assertThat((Object) explained.get("filter")).as("filter in %s", explained).isEqualTo(c.filter());
    assertThat((Object) explained.get("metadata")).as("metadata in %s", explained).isEqualTo(c.metadata());
    assertThat(textOrEmpty(explained.get("message"))).as("message in %s", explained).isEqualTo(c.message());

    Stored before = Stored.now();
    Api.Reply real = c.request().call().apply(target).send(server.api(credentials.get(c.who())));
    switch (explained.get("decision").asText()) {
      case "deny" -> {
        real.expectError(403, "forbidden");
        assertThat(real.json().get("error").get("message").asText()).isEqualTo(explained.get("message").asText());
        JsonNode denial = auditEventOf(real);
        assertThat(denial.get("action").asText()).isEqualTo("authz.denied");
        assertThat(textOrEmpty(denial.get("rule"))).as("rule in %s", denial).isEqualTo(textOrEmpty(explained.get("rule")));
        assertThat(denial.get("reason").asText()).isEqualTo(explained.get("message").asText());
        assertThat(Stored.now()).isEqualTo(before);
      }
      case "not_found" -> {
        real.expectError(404, "not_found");
        assertThat(real.json().get("error").get("message").asText()).isEqualTo(explained.get("message").asText());
        assertThat(Stored.now()).isEqualTo(before);
      }
      case "allow" -> agreesWithAllow(c.request(), target, explained, real, before);
      default -> throw new AssertionError("unknown decision in " + explained);
    }
  }

  /** The effect of an allowed request is the one explain's filter and metadata announce. */
  private static void agreesWithAllow(Request request, Optional<String> target, JsonNode explained, Api.Reply real,
      Stored before) {
    assertThat(real.status()).as("status of an allowed request, body %s", real.body()).isBetween(200, 299);
    JsonNode filter = explained.get("filter");
    Map<String, JsonNode> stored = before.of(request.resource());
    switch (request.action()) {
      case "create" -> {
        JsonNode created = real.expect(201).json();
        explained.get("metadata").properties().forEach(stamp ->
            assertThat((Object) created.get("metadata").get(stamp.getKey())).as("stamped %s", stamp.getKey())
                .isEqualTo(stamp.getValue()));
        Map<String, JsonNode> expected = new HashMap<>(stored);
        expected.put(created.get("id").asText(), created.get("metadata"));
        assertThat(Stored.now().of(request.resource())).isEqualTo(expected);
      }
      case "search" -> {
        List<String> listed = real.expect(200).ids();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(
            stored.keySet().stream().filter(id -> passes(stored.get(id), filter)).toList());
        // Independently of that listing: every resource setup made is listed exactly when the filter lets it through.
        Map<String, JsonNode> seeds = seeded.get(request.resource());
        seeds.forEach((id, metadata) ->
            assertThat(listed.contains(id)).as("%s %s listed", id, metadata).isEqualTo(passes(metadata, filter)));
        if (!filter.isEmpty()) {
          assertThat(seeds.values()).as("the filter %s hides some of what setup made", filter)
              .anyMatch(metadata -> passes(metadata, filter)).anyMatch(metadata -> !passes(metadata, filter));
        }
        assertThat(Stored.now()).isEqualTo(before);
      }
      case "read" -> {
        JsonNode read = real.expect(200).json();
        assertThat(read.get("id").asText()).isEqualTo(target.orElseThrow());
        assertThat(passes(read.get("metadata"), filter)).as("%s passes %s", read, filter).isTrue();
        assertThat(Stored.now()).isEqualTo(before);
      }
      case "delete" -> {
        real.expect(204);
        String id = target.orElseThrow();
        assertThat(passes(stored.get(id), filter)).as("%s passes %s", stored.get(id), filter).isTrue();
        Map<String, JsonNode> expected = new HashMap<>(stored);
        expected.remove(id);
        assertThat(Stored.now().of(request.resource())).isEqualTo(expected);
      }
      default -> throw new AssertionError("no effect check for " + request.action());
    }
  }

  @Test
  void explainWhenCreateThenNothingCreatedAndOnlyTheRealCallsAreAudited() {
    Stored before = Stored.now();
    List<JsonNode> auditBefore = auditEvents();

    assertThat(explain(Who.TAGGER, threadCreate(), Optional.empty()).get("decision").asText()).isEqualTo("allow");
    assertThat(explain(Who.INTERN, threadCreate(), Optional.empty()).get("decision").asText()).isEqualTo("deny");
    assertThat(Stored.now()).isEqualTo(before);
    // Explain is an allowed audit.read, and the audit log records no allowed reads; the denial it
    // explains is not recorded either, since no request was denied.
    assertThat(auditEvents()).isEqualTo(auditBefore);

    String created = threadCreate().call().apply(Optional.empty()).send(server.api(credentials.get(Who.TAGGER)))
        .expect(201).json().get("id").asText();
    Api.Reply refused = threadCreate().call().apply(Optional.empty()).send(server.api(credentials.get(Who.INTERN)))
        .expectError(403, "forbidden");
    Set<String> expected = new HashSet<>(before.threads().keySet());
    expected.add(created);
    assertThat(Stored.now().threads().keySet()).isEqualTo(expected);
    List<JsonNode> added = new ArrayList<>(auditEvents());
    added.removeAll(auditBefore);
    assertThat(added).singleElement().isEqualTo(auditEventOf(refused));
  }

  /**
   * Regression test: explain allowed a create whose body sets a key the rules stamp, which the
   * real create refuses (API.md section 7). That refusal comes from the handler, after the gate,
   * so unlike the table's denials it has no audit event to compare.
   */
  @Test
  void explainWhenCreateBodySetsKeyTheRulesStampThenDenyAsTheRealCreate() {
    Map<String, Object> body = Map.of("agent_id", agent, "metadata", Map.of("tag", "mine", "team", "blue"));
    JsonNode explained = p.api().post("/v1/authz/explain", Map.of("credential", credentials.get(Who.TAGGER),
        "resource", "threads", "action", "create", "body", body)).expect(200).json();
    Stored before = Stored.now();
    Api.Reply real = server.api(credentials.get(Who.TAGGER)).post("/v1/threads", body);

    assertThat(explained.get("decision").asText()).as("decision in %s", explained).isEqualTo("deny");
    assertThat(explained.get("rule").asText()).isEqualTo("tagged-create");
    real.expectError(403, "forbidden");
    assertThat(real.json().get("error").get("message").asText()).isEqualTo(explained.get("message").asText())
        .isEqualTo("metadata.tag is set by the server's rules, not by the caller.");
    assertThat(Stored.now()).isEqualTo(before);
  }

  /**
   * Regression test: an agent create was not stamped with the rules' metadata and could set their
   * keys, so explain's {@code metadata} and its refusal of such a body were not what the real
   * create did (API.md section 7: rules add metadata to what is created).
   */
  @Test
  void explainWhenRuleStampsAgentsThenRealAgentCreateIsStampedAndRefusesTheKey(@TempDir Path other)
      throws IOException {
    Path policy = Files.writeString(other.resolve("agents.yaml"), """
        rules:
          - name: agents-are-blue
            on: agents.create
            metadata: {team: "'blue'"}
        """);
    try (TestServer stamping = new TestServer(other, Map.of("policy", policy.toString()))) {
      TestServer.ProjectKey project = stamping.newProject("stamping");
      for (Map<String, Object> metadata : List.<Map<String, Object>>of(Map.of("kind", "chat"), Map.of("team", "red"))) {
        Map<String, Object> body = Map.of("name", "a", "metadata", metadata);
        JsonNode explained = project.api().post("/v1/authz/explain", Map.of("resource", "agents", "action", "create",
            "body", body)).expect(200).json();
        Api.Reply real = project.api().post("/v1/agents", body);

        assertThat(explained.get("rule").asText()).isEqualTo("agents-are-blue");
        if (metadata.containsKey("team")) {
          assertThat(explained.get("decision").asText()).as("decision in %s", explained).isEqualTo("deny");
          real.expectError(403, "forbidden");
          assertThat(real.json().get("error").get("message").asText()).isEqualTo(explained.get("message").asText());
        } else {
          assertThat(explained.get("decision").asText()).as("decision in %s", explained).isEqualTo("allow");
          assertThat((Object) explained.get("metadata")).isEqualTo(json("{'team': 'blue'}"));
          assertThat((Object) real.expect(201).json().get("metadata")).isEqualTo(json("{'team': 'blue', 'kind': 'chat'}"));
        }
      }
    }
  }

  // Helpers.

  private static JsonNode explain(Who who, Request request, Optional<String> target) {
    Map<String, Object> body = new HashMap<>(Map.of("credential", credentials.get(who),
        "resource", request.resource(), "action", request.action()));
    target.ifPresent(id -> body.put("id", id));
    request.body().get().ifPresent(b -> body.put("body", b));
    return p.api().post("/v1/authz/explain", body).expect(200).json();
  }

  /** Every thread and agent of the project, by id with its metadata, as the server key (no rule matches it) lists them. */
  record Stored(Map<String, JsonNode> threads, Map<String, JsonNode> agents) {
    static Stored now() {
      return new Stored(list("/v1/threads?limit=200"), list("/v1/agents?limit=200"));
    }

    private static Map<String, JsonNode> list(String path) {
      JsonNode page = p.api().get(path).expect(200).json();
      assertThat(page.get("next_cursor").isNull()).as("everything on one page").isTrue();
      Map<String, JsonNode> byId = new HashMap<>();
      page.get("data").forEach(item -> byId.put(item.get("id").asText(), item.get("metadata")));
      return byId;
    }

    Map<String, JsonNode> of(String resource) {
      return resource.equals("threads") ? threads : agents;
    }
  }

  /** Whether {@code metadata} passes {@code filter} as explain renders it; only {@code $eq} occurs in this table. */
  private static boolean passes(JsonNode metadata, JsonNode filter) {
    for (Map.Entry<String, JsonNode> condition : filter.properties()) {
      for (Map.Entry<String, JsonNode> operator : condition.getValue().properties()) {
        assertThat(operator.getKey()).as("operator in %s", filter).isEqualTo("$eq");
        if (!operator.getValue().equals(metadata.path(condition.getKey()))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The one audit event of {@code reply}'s request; the gate queues it before answering, so a flush finds it. */
  private static JsonNode auditEventOf(Api.Reply reply) {
    String requestId = reply.header("X-Request-Id").orElseThrow();
    List<JsonNode> mine = auditEvents().stream()
        .filter(event -> requestId.equals(event.path("request_id").asText())).toList();
    assertThat(mine).as("audit events of %s", requestId).hasSize(1);
    return mine.getFirst();
  }

  /** The project's audit log, once everything queued so far is written. */
  private static List<JsonNode> auditEvents() {
    assertThat(server.server.audit().flush(Duration.ofSeconds(5))).as("audit log written out").isTrue();
    List<JsonNode> all = new ArrayList<>();
    String path = "/v1/audit?limit=200";
    while (true) {
      JsonNode page = p.api().get(path).expect(200).json();
      page.get("data").forEach(all::add);
      if (page.get("next_cursor").isNull()) {
        return all;
      }
      path = "/v1/audit?limit=200&after=" + page.get("next_cursor").asText();
    }
  }

  private static Optional<String> textOrEmpty(JsonNode node) {
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
  }
}

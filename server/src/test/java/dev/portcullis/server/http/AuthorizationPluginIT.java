package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.plugin.PluginJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example authorization plugin ({@code plugins/example-authorization}), jarred from its
 * compiled classes into a plugins directory (it is not on this module's test class path), in
 * front of a real server with the built-in rules: Alice's plan includes the "pro" agent, every
 * plan the "free" one.
 */
class AuthorizationPluginIT {

  /** The plugin's system property and rule name; its classes are not on this class path, so spelled out. */
  private static final String ENTITLEMENTS_PROPERTY = "portcullis.example.entitlements";
  private static final String RULE = "example-agent-entitlements";
  private static final String JAR = "portcullis-example-authorization.jar";

  @TempDir static Path data;
  @TempDir static Path plugins;
  @TempDir static Path scratch;
  static TestServer server;
  static TestServer.ProjectKey project;
  static String pro;
  static String free;
  static Api alice;
  static Api bob;

  @BeforeAll
  static void start() throws IOException {
    // The entitlements file names agents, so a first start creates them; the plugin reads the file at start.
    String adminKey;
    try (TestServer first = new TestServer(data)) {
      adminKey = first.adminKey;
      project = first.newProject("plans");
      pro = project.api().post("/v1/agents", Map.of("name", "pro")).expect(201).json().get("id").asText();
      free = project.api().post("/v1/agents", Map.of("name", "free")).expect(201).json().get("id").asText();
    }
    Path entitlements = Files.writeString(scratch.resolve("entitlements.properties"), """
        alice=%s
        *=%s
        """.formatted(pro, free), StandardCharsets.UTF_8);
    PluginJars.fromClasses(PluginJars.exampleClasses("example-authorization"), plugins.resolve(JAR));
    System.setProperty(ENTITLEMENTS_PROPERTY, entitlements.toString());
    try {
      server = new TestServer(data, Map.of("plugins", plugins.toString()), adminKey);
    } finally {
      System.clearProperty(ENTITLEMENTS_PROPERTY);
    }
    project = new TestServer.ProjectKey(project.projectId(), project.keyId(), project.key(), server.api(project.key()));
    alice = server.api(project.workspaceToken("alice"));
    bob = server.api(project.workspaceToken("bob"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void pluginWhenLoadedThenItsClassesComeFromTheJarInThePluginsDirectory() {
    assertThat(getClass().getClassLoader()
        .getResource("dev/portcullis/plugins/entitlements/AgentEntitlementsHandler.class")).isNull();
    bob.post("/v1/threads", Map.of("agent_id", pro)).expectError(403, "forbidden");
  }

  @Test
  void createWhenAgentInThePlanThenCreatedAndTheBuiltInRuleStillStampsTheOwner() {
    JsonNode thread = alice.post("/v1/threads", Map.of("agent_id", pro)).expect(201).json();
    assertThat(thread.get("metadata").get("owner").asText()).isEqualTo("alice");
    JsonNode onFree = bob.post("/v1/threads", Map.of("agent_id", free)).expect(201).json();
    assertThat(onFree.get("metadata").get("owner").asText()).isEqualTo("bob");
    // The built-in filter still applies beside the handler.
    bob.get("/v1/threads/" + thread.get("id").asText()).expectError(404, "not_found");
  }

  @Test
  void createWhenAgentNotInThePlanThenForbiddenWithThePluginsMessageAndNothingStored() {
    List<String> before = bob.get("/v1/threads").expect(200).ids();
    Api.Reply refused = bob.post("/v1/threads", Map.of("agent_id", pro)).expectError(403, "forbidden");
    assertThat(refused.json().get("error").get("message").asText())
        .isEqualTo("Your plan does not include agent " + pro + ".");
    assertThat(bob.get("/v1/threads").expect(200).ids()).isEqualTo(before);
  }

  @Test
  void runWhenThreadsAgentNotInThePlanThenForbiddenAndWithinThePlanThenRun() {
    // A backend may hand Bob a thread on the pro agent; running it is still a matter of his plan.
    String handed = project.api().post("/v1/threads", Map.of("agent_id", pro, "metadata", Map.of("owner", "bob")))
        .expect(201).json().get("id").asText();
    bob.get("/v1/threads/" + handed).expect(200);
    Map<String, Object> input = Map.of("input", Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))));
    bob.post("/v1/threads/" + handed + "/runs", input).expectError(403, "forbidden");

    String own = alice.post("/v1/threads", Map.of("agent_id", pro)).expect(201).json().get("id").asText();
    alice.post("/v1/threads/" + own + "/runs", input).expect(200);
  }

  @Test
  void explainWhenAgentNotInThePlanThenDenyNamingThePluginsRuleAsTheAuditLogDoes() {
    Api.Reply refused = bob.post("/v1/threads", Map.of("agent_id", pro)).expectError(403, "forbidden");
    String requestId = refused.header("X-Request-Id").orElseThrow();

    JsonNode explained = project.api().post("/v1/authz/explain", Map.of("credential", project.workspaceToken("bob"),
        "resource", "threads", "action", "create", "body", Map.of("agent_id", pro))).expect(200).json();
    assertThat(explained.get("decision").asText()).isEqualTo("deny");
    assertThat(explained.get("rule").asText()).isEqualTo(RULE);

    assertThat(server.server.audit().flush(Duration.ofSeconds(5))).isTrue();
    JsonNode events = project.api().get("/v1/audit?limit=200").expect(200).json().get("data");
    assertThat(events.findParents("request_id")).filteredOn(e -> e.get("request_id").asText().equals(requestId))
        .singleElement().satisfies(e -> {
          assertThat(e.get("decision").asText()).isEqualTo("deny");
          assertThat(e.get("rule").asText()).isEqualTo(RULE);
        });
  }

  @Test
  void requestWhenServerKeyThenThePluginPasses() {
    project.api().post("/v1/threads", Map.of("agent_id", pro)).expect(201);
  }

  @Test
  void startWhenThePluginHasNoEntitlementsFileThenRefusesNamingTheJarAndTheCause() {
    System.setProperty(ENTITLEMENTS_PROPERTY, scratch.resolve("absent.properties").toString());
    try {
      assertThatThrownBy(() -> new TestServer(scratch.resolve("data-2"), Map.of("plugins", plugins.toString())))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(plugins.resolve(JAR).toString())
          .hasMessageContaining("absent.properties");
    } finally {
      System.clearProperty(ENTITLEMENTS_PROPERTY);
    }
  }
}

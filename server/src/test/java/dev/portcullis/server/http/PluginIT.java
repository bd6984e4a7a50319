package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.plugin.PluginJars;
import dev.portcullis.server.plugin.TestPlugins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example authenticator plugin, jarred from its compiled classes into a plugins directory
 * (it is not on this module's test class path), in front of a real server: LangGraph's
 * "private conversations" tutorial, with static tokens instead of LangGraph's VALID_TOKENS.
 */
class PluginIT {

  /** The example plugin's system property; its class is not on this class path, so spelled out. */
  private static final String TOKENS_PROPERTY = "portcullis.example.tokens";

  @TempDir static Path data;
  @TempDir static Path plugins;
  @TempDir static Path scratch;
  static TestServer server;
  static String projectId;
  static String serverKey;
  static Api alice;
  static Api bob;

  @BeforeAll
  static void start() throws IOException {
    // The tokens file names the project, so a first start creates it; the plugin reads the file at start.
    try (TestServer first = new TestServer(data)) {
      TestServer.ProjectKey project = first.newProject("plugins");
      projectId = project.projectId();
      serverKey = project.key();
    }
    Path tokens = Files.writeString(scratch.resolve("tokens.properties"), """
        # LangGraph's VALID_TOKENS
        user1-token=user1,%1$s
        user2-token=user2,%1$s
        """.formatted(projectId), StandardCharsets.UTF_8);
    PluginJars.fromClasses(PluginJars.exampleClasses(), plugins.resolve("portcullis-example-authenticator.jar"));
    System.setProperty(TOKENS_PROPERTY, tokens.toString());
    try {
      server = new TestServer(data, Map.of("plugins", plugins.toString()));
    } finally {
      System.clearProperty(TOKENS_PROPERTY);
    }
    alice = server.api("user1-token");
    bob = server.api("user2-token");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void meWhenKnownPluginTokenThenCustomPrincipalOfItsWorkspace() {
    JsonNode me = alice.get("/v1/me").expect(200).json();
    assertThat(me.get("kind").asText()).isEqualTo("custom");
    assertThat(me.get("identity").asText()).isEqualTo("user1");
    assertThat(me.get("workspace_id").asText()).isEqualTo("user1");
    assertThat(me.get("project_id").asText()).isEqualTo(projectId);
  }

  @Test
  void pluginWhenLoadedThenItsClassesComeFromTheJarInThePluginsDirectory() {
    // The class path of this test does not hold the example plugin; authenticating proves the jar was used.
    assertThat(getClass().getClassLoader().getResource("dev/portcullis/plugins/example/StaticTokenAuthenticator.class"))
        .isNull();
    alice.get("/v1/me").expect(200);
  }

  @Test
  void threadWhenOnePluginUserCreatesItThenAnotherGetsNotFoundAndSeesNoneInTheList() {
    String agentId = server.api(serverKey).post("/v1/agents", Map.of("name", "echo")).expect(201).json().get("id").asText();

    JsonNode thread = alice.post("/v1/threads", Map.of("agent_id", agentId)).expect(201).json();
    String threadId = thread.get("id").asText();
    assertThat(thread.get("metadata").get("owner").asText()).isEqualTo("user1");
    alice.get("/v1/threads/" + threadId).expect(200);
    assertThat(alice.get("/v1/threads").expect(200).ids()).contains(threadId);

    bob.get("/v1/threads/" + threadId).expectError(404, "not_found");
    bob.post("/v1/threads/" + threadId + "/messages", Map.of("role", "user", "content", "hi"))
        .expectError(404, "not_found");
    assertThat(bob.get("/v1/threads").expect(200).ids()).doesNotContain(threadId);
    String bobsThread = bob.post("/v1/threads", Map.of("agent_id", agentId)).expect(201).json().get("id").asText();
    assertThat(bob.get("/v1/threads").expect(200).ids()).containsExactly(bobsThread);
    assertThat(alice.get("/v1/threads").expect(200).ids()).doesNotContain(bobsThread);
  }

  @Test
  void agentsWhenPluginUserThenReadableButNotCreatable() {
    alice.get("/v1/agents").expect(200);
    alice.post("/v1/agents", Map.of("name", "mine")).expectError(403, "forbidden");
  }

  @Test
  void requestWhenUnknownTokenOfThePluginsFormatThenInvalidTokenFromThePlugin() {
    Api.Reply reply = server.api("mallory-token").get("/v1/me").expectError(401, "invalid_token");
    assertThat(reply.json().get("error").get("message").asText()).isEqualTo("Invalid token");
    assertThat(reply.header("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    assertThat(reply.body()).doesNotContain("mallory");
  }

  @Test
  void requestWhenCredentialNobodyKnowsThenInvalidTokenFromTheChain() {
    Api.Reply reply = server.api("not-a-plugin-credential").get("/v1/me").expectError(401, "invalid_token");
    assertThat(reply.json().get("error").get("message").asText()).isEqualTo("The credential is not recognised.");
  }

  @Test
  void requestWhenServerKeyThenBuiltInDecidesBeforeThePlugin() {
    JsonNode me = server.api(serverKey).send(server.api(serverKey).request("/v1/me").header("X-Example-Token", "user1-token"))
        .expect(200).json();
    assertThat(me.get("kind").asText()).isEqualTo("server");
    server.api(serverKey).get("/v1/agents").expect(200);
    server.admin.get("/v1/projects/" + projectId).expect(200);
  }

  @Test
  void requestWhenTokenInExampleHeaderWithoutAuthorizationThenAuthenticated() {
    JsonNode me = server.anonymous().send(server.anonymous().request("/v1/me").header("X-Example-Token", "user2-token"))
        .expect(200).json();
    assertThat(me.get("identity").asText()).isEqualTo("user2");
    assertThat(me.get("kind").asText()).isEqualTo("custom");
  }

  @Test
  void requestWhenNoCredentialAtAllThenStillUnauthenticated() {
    server.anonymous().get("/v1/me").expectError(401, "unauthenticated");
  }

  @Test
  void startWhenPluginsDirectoryMissingThenRefusesWithAMessageNamingIt() {
    Path missing = scratch.resolve("no-such-plugins");
    assertThatThrownBy(() -> new TestServer(scratch.resolve("other-data"), Map.of("plugins", missing.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toAbsolutePath().toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void startWhenExamplePluginHasNoTokensFileThenRefusesNamingTheJarAndTheCause() {
    // The property wins over PORTCULLIS_EXAMPLE_TOKENS, so the environment of the test run does not matter.
    System.setProperty(TOKENS_PROPERTY, scratch.resolve("absent.properties").toString());
    try {
      assertThatThrownBy(() -> new TestServer(scratch.resolve("data-2"), Map.of("plugins", plugins.toString())))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(plugins.resolve("portcullis-example-authenticator.jar").toString())
          .hasMessageContaining("absent.properties");
    } finally {
      System.clearProperty(TOKENS_PROPERTY);
    }
  }

  @Test
  void pluginWhenItThrowsThenInternalErrorInTheErrorShapeWithoutItsDetails() throws IOException {
    Path throwing = Files.createDirectories(scratch.resolve("throwing-plugins"));
    PluginJars.listing(throwing.resolve("throwing.jar"), TestPlugins.Throwing.class.getName());
    try (TestServer failing = new TestServer(scratch.resolve("data-3"), Map.of("plugins", throwing.toString()))) {
      Api.Reply reply = failing.api("backend-boom").get("/v1/me").expectError(500, "internal");
      assertThat(reply.body()).doesNotContain(TestPlugins.Throwing.DETAIL, "Throwing", "Exception", "backend-boom");
      assertThat(reply.json().get("error").get("message").asText())
          .contains(reply.json().get("error").get("request_id").asText());
      // The server goes on: built-ins and the plugin's abstentions still work.
      failing.admin.get("/v1/projects").expect(200);
      failing.api("other-credential").get("/v1/me").expectError(401, "invalid_token");
    }
  }

  @Test
  void startWhenHandlerNamesAnUnknownResourceThenRefusesNamingTheHandler() throws IOException {
    Path bad = Files.createDirectories(scratch.resolve("bad-handler-plugins"));
    PluginJars.listing(bad.resolve("bad.jar"), dev.portcullis.spi.AuthorizationHandler.class,
        TestPlugins.UnknownTarget.class.getName());
    assertThatThrownBy(() -> new TestServer(scratch.resolve("data-4"), Map.of("plugins", bad.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(TestPlugins.UnknownTarget.class.getName())
        .hasMessageContaining("unknown resource 'thread'");
  }

  @Test
  void handlerWhenListedByAJarThenItDecidesBesideTheBuiltInRules() throws IOException {
    Path handlers = Files.createDirectories(scratch.resolve("handler-plugins"));
    PluginJars.listing(handlers.resolve("read-only.jar"), dev.portcullis.spi.AuthorizationHandler.class,
        TestPlugins.ReadOnlyThreads.class.getName());
    try (TestServer readOnly = new TestServer(scratch.resolve("data-5"), Map.of("plugins", handlers.toString()))) {
      TestServer.ProjectKey p = readOnly.newProject("read-only");
      Api user = readOnly.api(p.workspaceToken("carol"));
      String thread = user.post("/v1/threads", Map.of("agent_id", p.agent())).expect(201).json().get("id").asText();
      Api.Reply refused = user.post("/v1/threads/" + thread + "/messages", Map.of("role", "user", "content", "hi"))
          .expectError(403, "forbidden");
      assertThat(refused.json().get("error").get("message").asText()).isEqualTo("Threads are read-only.");
      p.api().post("/v1/threads/" + thread + "/messages", Map.of("role", "user", "content", "hi")).expect(201);
    }
  }

  @Test
  void serveWhenPluginsDirectoryMissingThenExitsWithStatus2AndAMessageNamingIt() throws Exception {
    Path missing = scratch.resolve("missing-for-cli");
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "dev.portcullis.server.cli.Main",
        "serve", "--port", "0", "--data", scratch.resolve("cli-data").toString(), "--plugins", missing.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isEqualTo(2);
    assertThat(output).contains("portcullis: plugins directory " + missing.toAbsolutePath() + " does not exist");
    assertThat(output).doesNotContain("Exception", "\tat ");
    assertThat(Files.exists(scratch.resolve("cli-data").resolve("portcullis.db"))).isFalse();
  }
}

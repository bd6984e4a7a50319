package dev.portcullis.plugins.entitlements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.AuthorizationContext;
import dev.portcullis.spi.AuthorizationHandler;
import dev.portcullis.spi.AuthorizationOutcome;
import dev.portcullis.spi.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentEntitlementsHandlerTest {

  @TempDir Path dir;
  Path file;
  AgentEntitlementsHandler handler;

  @BeforeEach
  void readTheFile() throws IOException {
    file = write("""
        # workspace=agents
        alice = agt_pro, agt_basic

        *=agt_free
        """);
    handler = new AgentEntitlementsHandler(file);
  }

  static Stream<Arguments> decisions() {
    Map<String, Object> onPro = Map.of("agent_id", "agt_pro");
    Map<String, Object> onFree = Map.of("agent_id", "agt_free");
    return Stream.of(
        Arguments.of("entitled create", workspace("alice"), "create", onPro, AuthorizationOutcome.allow()),
        Arguments.of("entitled run", workspace("alice"), "create_run", onPro, AuthorizationOutcome.allow()),
        Arguments.of("create on an agent of *", workspace("bob"), "create", onFree, AuthorizationOutcome.allow()),
        Arguments.of("create on another plan's agent", workspace("bob"), "create", onPro,
            AuthorizationOutcome.deny("Your plan does not include agent agt_pro.")),
        Arguments.of("run on another plan's agent", workspace("bob"), "create_run", onPro,
            AuthorizationOutcome.deny("Your plan does not include agent agt_pro.")),
        Arguments.of("read passes", workspace("bob"), "read", onPro, AuthorizationOutcome.pass()),
        Arguments.of("delete passes", workspace("bob"), "delete", onPro, AuthorizationOutcome.pass()),
        Arguments.of("server key passes", server(), "create", onPro, AuthorizationOutcome.pass()),
        Arguments.of("create without agent passes to the route's 400", workspace("bob"), "create", Map.of(),
            AuthorizationOutcome.pass()),
        Arguments.of("non-string agent id passes to the route's 400", workspace("bob"), "create",
            Map.of("agent_id", 42), AuthorizationOutcome.pass()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void authorizeWhenRequestThenOutcomeOfThePlan(String name, Principal principal, String action,
      Map<String, Object> resource, AuthorizationOutcome expected) {
    assertThat(handler.authorize(new AuthorizationContext(principal, "threads", action, resource))).isEqualTo(expected);
  }

  @Test
  void onWhenReadThenThreadsLevelBesideTheBuiltInRule() {
    assertThat(handler.on()).isEqualTo("threads");
    assertThat(handler.name()).isEqualTo(AgentEntitlementsHandler.NAME);
  }

  @Test
  void readWhenLineMalformedThenNamesFileAndLine() throws IOException {
    Path bad = write("alice=agt_a\nbob agt_b\n");
    assertThatThrownBy(() -> new AgentEntitlementsHandler(bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("entitlements file " + bad + " line 2: "
            + "expected <workspace id>=<agent id>,<agent id>...");
  }

  @Test
  void readWhenAgentIdMalformedThenNamesIt() throws IOException {
    Path bad = write("alice=agt_a,,agt_b\n");
    assertThatThrownBy(() -> new AgentEntitlementsHandler(bad))
        .hasMessage("entitlements file " + bad + " line 1: \"\" is not an agent id (agt_...)");
  }

  @Test
  void readWhenWorkspaceRepeatedThenNamesTheEarlierLine() throws IOException {
    Path bad = write("alice=agt_a\n# again\nalice=agt_b\n");
    assertThatThrownBy(() -> new AgentEntitlementsHandler(bad))
        .hasMessage("entitlements file " + bad + " line 3: workspace alice is already listed on line 1");
  }

  @Test
  void readWhenFileMissingThenNamesIt() {
    Path missing = dir.resolve("missing.properties");
    assertThatThrownBy(() -> new AgentEntitlementsHandler(missing))
        .hasMessageStartingWith("entitlements file " + missing + " cannot be read");
  }

  @Test
  void configuredFileWhenNeitherPropertyNorEnvThenSaysWhatToSet() {
    assertThatThrownBy(() -> AgentEntitlementsHandler.configuredFile(null, " "))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(AgentEntitlementsHandler.FILE_ENV);
    assertThat(AgentEntitlementsHandler.configuredFile("/a", "/b")).isEqualTo(Path.of("/a"));
    assertThat(AgentEntitlementsHandler.configuredFile("", "/b")).isEqualTo(Path.of("/b"));
  }

  @Test
  void serviceFileWhenReadByServiceLoaderThenListsThisHandler() {
    System.setProperty(AgentEntitlementsHandler.FILE_PROPERTY, file.toString());
    try {
      assertThat(ServiceLoader.load(AuthorizationHandler.class).stream().map(ServiceLoader.Provider::get).toList())
          .singleElement().isInstanceOf(AgentEntitlementsHandler.class)
          .satisfies(h -> assertThat(h.authorize(new AuthorizationContext(workspace("alice"), "threads", "create",
              Map.of("agent_id", "agt_basic")))).isEqualTo(AuthorizationOutcome.allow()));
    } finally {
      System.clearProperty(AgentEntitlementsHandler.FILE_PROPERTY);
    }
  }

  private Path write(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "entitlements", ".properties"), text, StandardCharsets.UTF_8);
  }

  private static Principal workspace(String id) {
    return new Principal(Principal.Kind.WORKSPACE, "user_" + id, Optional.of("prj_1"), Optional.of(id), List.of(),
        Optional.empty(), "tok_" + id, Map.of());
  }

  private static Principal server() {
    return new Principal(Principal.Kind.SERVER, "key_1", Optional.of("prj_1"), Optional.empty(), List.of(),
        Optional.empty(), "key_1", Map.of());
  }
}

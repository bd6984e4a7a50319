package dev.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents through the client against a real server: create, get, update, delete and both ways of listing. */
class AgentsIT {

  @TempDir static Path data;
  static LoopbackServer server;
  static PortcullisClient client;

  @BeforeAll
  static void start() {
    server = new LoopbackServer(data);
    client = server.newProject("agents").client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createAgentWhenOnlyNamedThenServerDefaultsAndNoSystemPrompt() {
    Instant before = Instant.now().minusSeconds(1);

    Agent agent = client.createAgent(NewAgent.named("plain"));

    assertThat(agent.id()).startsWith("agt_");
    assertThat(agent.name()).isEqualTo("plain");
    assertThat(agent.model()).isEqualTo("echo");
    assertThat(agent.system()).isEmpty();
    assertThat(agent.metadata()).isEmpty();
    assertThat(agent.createdAt()).isAfter(before).isEqualTo(agent.updatedAt());
  }

  @Test
  void createAgentWhenEveryFieldGivenThenAllRoundTripAndGetAnswersTheSame() {
    Agent created = client.createAgent(NewAgent.named("support").withModel("echo").withSystem("Answer briefly.")
        .withMetadata(Map.of("team", "billing", "tier", 2, "tags", List.of("a", "b"))));

    assertThat(created.system()).contains("Answer briefly.");
    assertThat(created.metadata()).containsEntry("team", "billing").containsEntry("tier", 2)
        .containsEntry("tags", List.of("a", "b"));
    assertThat(client.getAgent(created.id())).isEqualTo(created);
  }

  @Test
  @SuppressWarnings("unchecked")
  void agentMetadataWhenNestedThenUnmodifiableThroughout() {
    Agent agent = client.createAgent(NewAgent.named("frozen")
        .withMetadata(Map.of("tags", List.of("a"), "owner", Map.of("team", "x"))));

    assertThatThrownBy(() -> agent.metadata().put("new", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) agent.metadata().get("tags")).add("b"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<String, Object>) agent.metadata().get("owner")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void updateAgentWhenOnlyNameGivenThenOtherFieldsKept() {
    Agent created = client.createAgent(NewAgent.named("before").withSystem("Keep me.")
        .withMetadata(Map.of("team", "a")));

    Agent updated = client.updateAgent(created.id(), AgentChanges.none().withName("after"));

    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.name()).isEqualTo("after");
    assertThat(updated.system()).contains("Keep me.");
    assertThat(updated.metadata()).isEqualTo(Map.of("team", "a"));
    assertThat(client.getAgent(created.id()).name()).isEqualTo("after");
  }

  @Test
  void updateAgentWhenMetadataGivenThenItReplacesTheWholeObject() {
    Agent created = client.createAgent(NewAgent.named("meta").withMetadata(Map.of("old", "x", "kept", "no")));

    Agent updated = client.updateAgent(created.id(), AgentChanges.none().withMetadata(Map.of("new", true))
        .withSystem("Now with a prompt."));

    assertThat(updated.metadata()).isEqualTo(Map.of("new", true));
    assertThat(updated.system()).contains("Now with a prompt.");
  }

  @Test
  void deleteAgentWhenDeletedThenGetUpdateAndDeleteAreNotFound() {
    Agent agent = client.createAgent(NewAgent.named("doomed"));

    client.deleteAgent(agent.id());

    assertThatThrownBy(() -> client.getAgent(agent.id())).isInstanceOfSatisfying(PortcullisApiException.class,
        e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.updateAgent(agent.id(), AgentChanges.none().withName("x")))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    assertThatThrownBy(() -> client.deleteAgent(agent.id()))
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
  }

  @Test
  void getAgentWhenAnotherProjectsThenNotFound() {
    Agent foreign = server.newProject("someone-else").client().createAgent(NewAgent.named("theirs"));

    assertThatThrownBy(() -> client.getAgent(foreign.id())).isInstanceOfSatisfying(PortcullisApiException.class,
        e -> assertThat(e.code()).isEqualTo("not_found"));
  }

  @Test
  void getAgentWhenIdHoldsPathCharactersThenOneEscapedSegmentAndAgentNotFound() {
    // Unescaped, the server would resolve the dot segments of "agt_x/../../me" to GET /v1/me.
    assertThatThrownBy(() -> client.getAgent("agt_x/../../me")).isInstanceOfSatisfying(PortcullisApiException.class,
        e -> {
          assertThat(e.code()).isEqualTo("not_found");
          assertThat(e.serverMessage()).startsWith("Agent");
        });
  }

  @Test
  void listAgentsWhenWalkedWithCursorsThenEveryAgentOnceOldestFirst() {
    PortcullisClient own = server.newProject("paging").client();
    List<String> created = IntStream.range(0, 5).mapToObj(i -> own.createAgent(NewAgent.named("a" + i)).id()).toList();

    List<String> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    Optional<PageRequest> request = Optional.of(PageRequest.first(2));
    while (request.isPresent()) {
      Page<Agent> page = own.listAgents(request.get());
      page.data().forEach(a -> seen.add(a.id()));
      pageSizes.add(page.data().size());
      request = page.nextCursor().map(request.get()::next);
    }

    assertThat(seen).isEqualTo(created);
    assertThat(pageSizes).startsWith(2, 2).contains(1);
  }

  @Test
  void listAllAgentsWhenMoreThanOnePageThenFollowsTheCursorToTheEnd() {
    PortcullisClient own = server.newProject("many").client();
    int count = PageRequest.MAX_LIMIT + 3;
    List<String> created = IntStream.range(0, count).mapToObj(i -> own.createAgent(NewAgent.named("n" + i)).id())
        .toList();
    assertThat(own.listAgents(PageRequest.first(PageRequest.MAX_LIMIT)).nextCursor())
        .as("more than one page of the largest size").isPresent();

    List<String> listed = own.listAllAgents().map(Agent::id).toList();

    assertThat(listed).isEqualTo(created);
  }

  @Test
  void listAllAgentsWhenProjectHasNoneThenEmpty() {
    assertThat(server.newProject("empty").client().listAllAgents()).isEmpty();
  }
}

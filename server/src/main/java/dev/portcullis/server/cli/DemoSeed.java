package dev.portcullis.server.cli;

import dev.portcullis.core.apikey.ApiKeys;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.Agent;
import dev.portcullis.core.domain.AgentThread;
import dev.portcullis.core.domain.Project;
import dev.portcullis.core.store.AgentStore;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.Store;
import dev.portcullis.server.http.PortcullisServer;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * Seeds what a newcomer needs to try the API: a {@code demo} project with an {@code echo}
 * agent (reused across starts), a fresh server key and a thread, and the curl lines to use them.
 */
record DemoSeed(String baseUrl, Project project, Agent agent, AgentThread thread, String serverKey) {

  static DemoSeed seed(PortcullisServer server, String baseUrl) {
    Store store = server.store();
    Project project = store.projects().list(PageRequest.first(PageRequest.MAX_LIMIT)).data().stream()
        .filter(p -> p.name().equals("demo")).findFirst()
        .orElseGet(() -> store.projects().create("demo"));
    Scope scope = Scope.project(project.id());
    Agent agent = store.agents().list(scope, PageRequest.first(PageRequest.MAX_LIMIT)).data().stream()
        .filter(a -> a.name().equals("echo")).findFirst()
        .orElseGet(() -> store.agents().create(project.id(),
            new AgentStore.NewAgent("echo", "echo", Optional.empty(), Map.of())));
    ApiKeys.Created key = server.apiKeys().create(project.id(), "demo", Optional.empty());
    AgentThread thread = store.threads().create(project.id(), agent.id(), Map.of());
    return new DemoSeed(baseUrl, project, agent, thread, key.value());
  }

  void print(PrintStream out) {
    String auth = "-H 'Authorization: Bearer " + serverKey + "'";
    String json = "-H 'Content-Type: application/json'";
    out.println();
    out.println("Demo project " + project.id() + ", echo agent " + agent.id() + ", thread " + thread.id());
    out.println("Server key (shown once): " + serverKey);
    out.println();
    out.println("Try it (copy and paste):");
    out.println("  curl -s " + baseUrl + "/v1/me " + auth);
    out.println("  curl -s " + baseUrl + "/v1/agents " + auth);
    out.println("  curl -s -X POST " + baseUrl + "/v1/threads/" + thread.id() + "/runs " + auth + " " + json
        + " -d '{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hello there portcullis\"}]}}'");
    out.println("  curl -sN -X POST " + baseUrl + "/v1/threads/" + thread.id() + "/runs/stream " + auth + " " + json
        + " -d '{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"stream me word by word\"}]}}'");
    out.println("  curl -s " + baseUrl + "/v1/threads/" + thread.id() + "/messages " + auth);
    out.println();
    out.println("Chat in a browser as Alice or Bob (demo sign-in, no password): " + baseUrl + "/demo/");
    out.println();
    out.flush();
  }
}

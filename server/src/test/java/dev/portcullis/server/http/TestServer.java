package dev.portcullis.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real server on a free loopback port with a known admin key, for integration tests.
 * {@code new TestServer(dir)} uses SQLite in {@code dir}; extra configuration keys may be given.
 */
public final class TestServer implements AutoCloseable {

  public final String adminKey;
  public final PortcullisServer server;
  public final Api admin;

  public TestServer(Path dataDir) {
    this(dataDir, Map.of());
  }

  public TestServer(Path dataDir, Map<String, String> config) {
    this(dataDir, config, OpaqueSecrets.mint(SecretKind.ADMIN_KEY).value());
  }

  /** A server with a given admin key, for a second server on the database of a first. */
  public TestServer(Path dataDir, Map<String, String> config, String adminKey) {
    this.adminKey = adminKey;
    Map<String, String> flags = new HashMap<>(config);
    flags.putIfAbsent("port", "0");
    flags.putIfAbsent("data", dataDir.toString());
    server = PortcullisServer.start(ConfigLoader.load(flags, Map.of(), Optional.empty()),
        Map.of("PORTCULLIS_ADMIN_KEY", adminKey));
    admin = api(adminKey);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public Api api(String credential) {
    return new Api(baseUrl(), Optional.of(credential));
  }

  public Api anonymous() {
    return new Api(baseUrl(), Optional.empty());
  }

  /** Creates a project and a server key for it; returns a client holding the key. */
  public ProjectKey newProject(String name) {
    String projectId = admin.post("/v1/projects", Map.of("name", name)).expect(201).json().get("id").asText();
    JsonNode key = admin.post("/v1/projects/" + projectId + "/api-keys", Map.of("name", "test")).expect(201).json();
    return new ProjectKey(projectId, key.get("id").asText(), key.get("key").asText(), api(key.get("key").asText()));
  }

  /** A project with one server key. */
  public record ProjectKey(String projectId, String keyId, String key, Api api) {
    public String agent() {
      return api.post("/v1/agents", Map.of("name", "echo")).expect(201).json().get("id").asText();
    }

    public String thread(String agentId) {
      return api.post("/v1/threads", Map.of("agent_id", agentId)).expect(201).json().get("id").asText();
    }

    /** A workspace token of this project for {@code workspaceId}, minted with the server key. */
    public String workspaceToken(String workspaceId) {
      return api.post("/v1/workspace-tokens", Map.of("workspace_id", workspaceId)).expect(201).json()
          .get("token").asText();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

package dev.portcullis.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.http.PortcullisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A real Portcullis server in this JVM on a free loopback port, with SQLite in a temporary
 * directory and a known admin key. Projects and their server keys are made with the admin key
 * over HTTP, as an operator would; everything else goes through {@link PortcullisClient}.
 */
final class LoopbackServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final String adminKey = OpaqueSecrets.mint(SecretKind.ADMIN_KEY).value();
  private final PortcullisServer server;

  LoopbackServer(Path dataDir) {
    server = PortcullisServer.start(
        ConfigLoader.load(Map.of("port", "0", "data", dataDir.toString()), Map.of(), Optional.empty()),
        Map.of("PORTCULLIS_ADMIN_KEY", adminKey));
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** A client of this server holding {@code credential}. */
  PortcullisClient client(String credential) {
    return PortcullisClient.builder().baseUrl(baseUrl()).credential(credential).build();
  }

  /** A project with one server key, and a client holding the key. */
  record Project(String id, String serverKey, PortcullisClient client) {}

  Project newProject(String name) {
    String projectId = adminPost("/v1/projects", Map.of("name", name)).get("id").asText();
    String key = adminPost("/v1/projects/" + projectId + "/api-keys", Map.of("name", "backend")).get("key").asText();
    return new Project(projectId, key, client(key));
  }

  private JsonNode adminPost(String path, Object body) {
    try {
      HttpRequest request = HttpRequest.newBuilder(baseUrl().resolve(path))
          .header("Authorization", "Bearer " + adminKey)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
          .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

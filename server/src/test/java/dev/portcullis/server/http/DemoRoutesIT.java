package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.server.config.ConfigLoader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo chat's page and its stand-in backend ({@code ./portcullis demo}): who gets a token,
 * for which workspace, and that signing out revokes and stops the minting.
 */
class DemoRoutesIT {

  @TempDir static Path data;
  static PortcullisServer server;
  static String base;

  @BeforeAll
  static void start() {
    String adminKey = OpaqueSecrets.mint(SecretKind.ADMIN_KEY).value();
    server = PortcullisServer.start(ConfigLoader.load(Map.of("port", "0", "data", data.toString()), Map.of(),
        Optional.empty()), Map.of("PORTCULLIS_ADMIN_KEY", adminKey), true);
    base = "http://127.0.0.1:" + server.port();
    new Api(base, Optional.of(adminKey)).post("/v1/projects", Map.of("name", "demo")).expect(201);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A browser: keeps cookies and sends this server's own Origin, as the demo page does. */
  static final class Browser {
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    HttpResponse<String> post(String path, String json) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Origin", base)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    String token(String query) throws Exception {
      HttpResponse<String> response = post("/demo/api/token" + query, "");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return Api.JSON.readTree(response.body()).get("token").asText();
    }
  }

  static JsonNode me(String token) {
    return new Api(base, Optional.of(token)).get("/v1/me").expect(200).json();
  }

  @Test
  void pageWhenRequestedThenServedWithAContentSecurityPolicyAndOnlyItsOwnFiles() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> page = browser.get("/demo/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c ->
        assertThat(c).contains("default-src 'self'"));
    assertThat(page.body()).contains("Portcullis demo chat").contains("Demo only");
    assertThat(browser.get("/demo/app.js").statusCode()).isEqualTo(200);
    assertThat(browser.get("/demo/portcullis.js").statusCode()).isEqualTo(200);
    assertThat(browser.get("/demo/admin.key").statusCode()).isEqualTo(404);
    assertThat(browser.get("/demo/..%2Fopenapi.json").statusCode()).isEqualTo(404);
  }

  @Test
  void tokenWhenSignedInThenAWorkspaceTokenOfTheUsersOwnWorkspace() throws Exception {
    Browser alice = new Browser();
    assertThat(alice.post("/demo/api/login", "{\"user\":\"alice\"}").statusCode()).isEqualTo(200);

    JsonNode principal = me(alice.token(""));

    assertThat(principal.get("kind").asText()).isEqualTo("workspace");
    assertThat(principal.get("workspace_id").asText()).isEqualTo("alice");
    assertThat(principal.get("identity").asText()).isEqualTo("alice");
  }

  @Test
  void tokenWhenTtlGivenThenThatLifetimeElse400() throws Exception {
    Browser bob = new Browser();
    bob.post("/demo/api/login", "{\"user\":\"bob\"}");

    HttpResponse<String> five = bob.post("/demo/api/token?ttl_seconds=5", "");
    HttpResponse<String> zero = bob.post("/demo/api/token?ttl_seconds=0", "");

    assertThat(Api.JSON.readTree(five.body()).get("expires_in").asLong()).isEqualTo(5);
    assertThat(zero.statusCode()).isEqualTo(400);
  }

  @Test
  void tokenWhenNotSignedInThen401() throws Exception {
    HttpResponse<String> response = new Browser().post("/demo/api/token", "");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"code\":\"unauthenticated\"");
  }

  @Test
  void loginWhenUnknownUserThen400AndFromAnotherOriginThen403() throws Exception {
    Browser browser = new Browser();
    assertThat(browser.post("/demo/api/login", "{\"user\":\"mallory\"}").statusCode()).isEqualTo(400);

    HttpResponse<String> foreign = browser.http.send(HttpRequest.newBuilder(URI.create(base + "/demo/api/login"))
        .header("Origin", "https://evil.example").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\"}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void logoutWhenBackendSignsAUserOutThenTheirTokensAreRevokedAndNoneIsMintedUntilTheySignInAgain()
      throws Exception {
    Browser alice = new Browser();
    alice.post("/demo/api/login", "{\"user\":\"alice\"}");
    String before = alice.token("");
    Browser bob = new Browser();
    bob.post("/demo/api/login", "{\"user\":\"bob\"}");
    String bobs = bob.token("");

    HttpResponse<String> logout = new Browser().post("/demo/api/logout", "{\"user\":\"alice\"}");

    assertThat(logout.statusCode()).isEqualTo(204);
    new Api(base, Optional.of(before)).get("/v1/me").expectError(401, "token_revoked");
    assertThat(alice.post("/demo/api/token", "").statusCode()).isEqualTo(401);
    assertThat(me(bobs).get("workspace_id").asText()).isEqualTo("bob");
    alice.post("/demo/api/login", "{\"user\":\"alice\"}");
    Thread.sleep(1_100); // a token issued in the revocation's second counts as revoked (iat is whole seconds)
    assertThat(me(alice.token("")).get("workspace_id").asText()).isEqualTo("alice");
  }
}

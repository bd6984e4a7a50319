package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /v1/auth-rules} (API.md section 6): create, list, delete, and every refusal. */
class AuthRulesIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey project;

  @BeforeAll
  static void start() {
    server = new TestServer(data);
    project = server.newProject("rules");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, Object> valid() {
    return new HashMap<>(Map.of("name", "Clerk", "issuer", "https://clerk.example.test",
        "jwks_uri", "https://clerk.example.test/.well-known/jwks.json", "audience", "my-app"));
  }

  @Test
  void createWhenOnlyRequiredFieldsThenDefaultsAndTheDocumentedShape() {
    JsonNode rule = project.api().post("/v1/auth-rules", valid()).expect(201).json();
    assertThat(rule.get("id").asText()).startsWith("rul_");
    assertThat(rule.get("name").asText()).isEqualTo("Clerk");
    assertThat(rule.get("issuer").asText()).isEqualTo("https://clerk.example.test");
    assertThat(rule.get("jwks_uri").asText()).isEqualTo("https://clerk.example.test/.well-known/jwks.json");
    assertThat(rule.get("audience").asText()).isEqualTo("my-app");
    assertThat(rule.get("workspace_claim").asText()).isEqualTo("sub");
    assertThat(rule.get("algorithms")).extracting(JsonNode::asText).containsExactly("RS256", "ES256", "EdDSA");
    assertThat(Instant.parse(rule.get("created_at").asText())).isBefore(Instant.now().plusSeconds(1));
    assertThat(rule.size()).isEqualTo(8);
  }

  @Test
  void createListAndDeleteThenFollowTheContract() {
    TestServer.ProjectKey p = server.newProject("crud");
    Map<String, Object> full = valid();
    full.put("workspace_claim", "{org_id}:{sub}");
    full.put("algorithms", List.of("ES256"));
    JsonNode first = p.api().post("/v1/auth-rules", valid()).expect(201).json();
    JsonNode second = p.api().post("/v1/auth-rules", full).expect(201).json();
    assertThat(second.get("workspace_claim").asText()).isEqualTo("{org_id}:{sub}");
    assertThat(second.get("algorithms")).extracting(JsonNode::asText).containsExactly("ES256");

    JsonNode page = p.api().get("/v1/auth-rules").expect(200).json();
    assertThat(page.get("next_cursor").isNull()).isTrue();
    assertThat(p.api().get("/v1/auth-rules").ids()).containsExactly(first.get("id").asText(), second.get("id").asText());
    assertThat(page.get("data").get(1)).isEqualTo(second);
    JsonNode one = p.api().get("/v1/auth-rules?limit=1").expect(200).json();
    assertThat(one.get("data")).hasSize(1);
    String cursor = one.get("next_cursor").asText();
    assertThat(p.api().get("/v1/auth-rules?limit=1&after=" + cursor).expect(200).ids())
        .containsExactly(second.get("id").asText());

    p.api().delete("/v1/auth-rules/" + first.get("id").asText()).expect(204);
    p.api().delete("/v1/auth-rules/" + first.get("id").asText()).expectError(404, "not_found");
    p.api().delete("/v1/auth-rules/rul_doesnotexist").expectError(404, "not_found");
    assertThat(p.api().get("/v1/auth-rules").expect(200).ids()).containsExactly(second.get("id").asText());
  }

  @Test
  void rulesOfAnotherProjectWhenListedOrDeletedThenInvisible() {
    TestServer.ProjectKey owner = server.newProject("owner");
    TestServer.ProjectKey stranger = server.newProject("stranger");
    String id = owner.api().post("/v1/auth-rules", valid()).expect(201).json().get("id").asText();
    assertThat(stranger.api().get("/v1/auth-rules").expect(200).ids()).doesNotContain(id);
    stranger.api().delete("/v1/auth-rules/" + id).expectError(404, "not_found");
    assertThat(owner.api().get("/v1/auth-rules").expect(200).ids()).contains(id);
  }

  @Test
  void authRulesWhenCalledWithoutAServerKeyThenRefused() {
    server.anonymous().get("/v1/auth-rules").expectError(401, "unauthenticated");
    server.admin.post("/v1/auth-rules", valid()).expectError(403, "forbidden");
    server.admin.get("/v1/auth-rules").expectError(403, "forbidden");
    String workspaceToken = project.api().post("/v1/workspace-tokens", Map.of("workspace_id", "ws_1")).expect(201)
        .json().get("token").asText();
    server.api(workspaceToken).post("/v1/auth-rules", valid()).expectError(403, "forbidden");
    server.api(workspaceToken).get("/v1/auth-rules").expectError(403, "forbidden");
  }

  /** One refused body: what changes from a valid one, and a word the message must contain. */
  record Invalid(String name, Map<String, Object> changes, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Map<String, Object> set(String field, Object value) {
    Map<String, Object> m = new HashMap<>();
    m.put(field, value);
    return m;
  }

  static Stream<Invalid> invalidBodies() {
    return Stream.of(
        new Invalid("name missing", set("name", null), "name"),
        new Invalid("name blank", set("name", "  "), "name"),
        new Invalid("name too long", set("name", "n".repeat(201)), "name"),
        new Invalid("issuer missing", set("issuer", null), "issuer"),
        new Invalid("issuer blank", set("issuer", ""), "issuer"),
        new Invalid("audience missing", set("audience", null), "audience"),
        new Invalid("audience blank", set("audience", " "), "audience"),
        new Invalid("jwks_uri missing", set("jwks_uri", null), "jwks_uri"),
        new Invalid("jwks_uri not a URL", set("jwks_uri", "not a url"), "jwks_uri"),
        new Invalid("jwks_uri ftp", set("jwks_uri", "ftp://example.test/jwks"), "jwks_uri"),
        new Invalid("jwks_uri file", set("jwks_uri", "file:///etc/passwd"), "jwks_uri"),
        new Invalid("jwks_uri relative", set("jwks_uri", "/jwks.json"), "jwks_uri"),
        new Invalid("jwks_uri with password", set("jwks_uri", "https://u:p@example.test/jwks"), "jwks_uri"),
        new Invalid("jwks_uri a number", set("jwks_uri", 42), "jwks_uri"),
        new Invalid("algorithm none", set("algorithms", List.of("none")), "\"none\""),
        new Invalid("algorithm HS256", set("algorithms", List.of("RS256", "HS256")), "\"HS256\""),
        new Invalid("algorithm RS512", set("algorithms", List.of("RS512")), "\"RS512\""),
        new Invalid("algorithms empty", set("algorithms", List.of()), "algorithms"),
        new Invalid("algorithms a string", set("algorithms", "RS256"), "algorithms"),
        new Invalid("algorithms with a number", set("algorithms", List.of("RS256", 5)), "algorithms"),
        new Invalid("workspace_claim unclosed", set("workspace_claim", "{org_id:{sub}"), "workspace_claim"),
        new Invalid("workspace_claim empty placeholder", set("workspace_claim", "{}:{sub}"), "workspace_claim"),
        new Invalid("workspace_claim stray brace", set("workspace_claim", "org}"), "workspace_claim"),
        new Invalid("workspace_claim adjacent placeholders", set("workspace_claim", "{org_id}{sub}"), "workspace_claim"),
        new Invalid("workspace_claim empty", set("workspace_claim", ""), "workspace_claim"),
        new Invalid("workspace_claim with space", set("workspace_claim", "org id"), "workspace_claim"),
        new Invalid("workspace_claim an object", set("workspace_claim", Map.of()), "workspace_claim"),
        new Invalid("unknown field", set("scopes", List.of("x")), "scopes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBodies")
  void createWhenBodyIsInvalidThenInvalidRequestNamingTheFieldAndNothingCreated(Invalid invalid) {
    TestServer.ProjectKey p = server.newProject("invalid");
    Map<String, Object> body = valid();
    invalid.changes().forEach((k, v) -> {
      if (v == null) {
        body.remove(k);
      } else {
        body.put(k, v);
      }
    });
    Api.Reply reply = p.api().post("/v1/auth-rules", body).expectError(400, "invalid_request");
    assertThat(reply.json().get("error").get("message").asText()).contains(invalid.message());
    assertThat(p.api().get("/v1/auth-rules").expect(200).ids()).isEmpty();
  }

  @Test
  void createWhenBodyIsNotJsonOrListParametersAreBadThenRefused() {
    project.api().post("/v1/auth-rules", "{\"name\": ").expectError(400, "invalid_request");
    project.api().post("/v1/auth-rules", "[]").expectError(400, "invalid_request");
    project.api().get("/v1/auth-rules?limit=0").expectError(400, "invalid_request");
    project.api().get("/v1/auth-rules?limit=201").expectError(400, "invalid_request");
    project.api().get("/v1/auth-rules?after=not-a-cursor").expectError(400, "invalid_request");
  }
}

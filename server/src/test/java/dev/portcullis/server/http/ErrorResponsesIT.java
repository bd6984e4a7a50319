package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure path of the HTTP API answers the one error shape of API.md section 1. */
class ErrorResponsesIT {

  @TempDir static Path data;
  static TestServer server;
  static TestServer.ProjectKey project;

  @BeforeAll
  static void start() {
    server = new TestServer(data, Map.of("max-body-bytes", "2048"));
    project = server.newProject("errors");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void unknownRouteWhenRequestedThenNotFoundInErrorShape() {
    Api.Reply reply = project.api().get("/v1/nothing-here").expectError(404, "not_found");
    assertThat(reply.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(reply.header("X-Request-Id")).hasValue(reply.json().get("error").get("request_id").asText());
  }

  @Test
  void knownRouteWhenWrongMethodThenMethodNotAllowed() {
    project.api().send(project.api().request("/v1/agents").PUT(HttpRequest.BodyPublishers.ofString("{}")))
        .expectError(405, "method_not_allowed");
  }

  @Test
  void bodyWhenMalformedJsonThenInvalidRequest() {
    project.api().post("/v1/agents", "{\"name\": ").expectError(400, "invalid_request");
  }

  @Test
  void bodyWhenFieldHasWrongTypeThenInvalidRequestNamingTheField() {
    Api.Reply reply = project.api().post("/v1/agents", Map.of("name", 42)).expectError(400, "invalid_request");
    assertThat(reply.json().get("error").get("message").asText()).contains("name");
  }

  @Test
  void bodyWhenUnknownFieldThenInvalidRequestNamingTheField() {
    Api.Reply reply = project.api().post("/v1/agents", Map.of("name", "a", "colour", "red"))
        .expectError(400, "invalid_request");
    assertThat(reply.json().get("error").get("message").asText()).contains("colour");
  }

  @Test
  void bodyWhenNotAnObjectThenInvalidRequest() {
    project.api().post("/v1/agents", "[1, 2]").expectError(400, "invalid_request");
    project.api().post("/v1/agents", "null").expectError(400, "invalid_request");
  }

  @Test
  void bodyWhenOverTheConfiguredLimitThenPayloadTooLargeAndNothingStored() {
    String big = "{\"name\": \"" + "a".repeat(4096) + "\"}";
    project.api().post("/v1/agents", big).expectError(413, "payload_too_large");
    assertThat(project.api().get("/v1/agents").expect(200).ids()).isEmpty();
  }

  @Test
  void bodyWhenNotJsonThenUnsupportedMediaType() {
    project.api().send(project.api().request("/v1/agents").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"a\"}")))
        .expectError(415, "unsupported_media_type");
  }

  @Test
  void requestWhenNoCredentialThenUnauthenticatedWithoutErrorAttribute() {
    Api.Reply reply = server.anonymous().get("/v1/agents").expectError(401, "unauthenticated");
    assertThat(reply.header("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis\"");
  }

  @Test
  void requestWhenUnknownKeyThenInvalidTokenWithRfc6750Header() {
    String unknown = dev.portcullis.core.secret.OpaqueSecrets.mint(dev.portcullis.core.secret.SecretKind.SERVER_KEY).value();
    Api.Reply reply = server.api(unknown).get("/v1/agents").expectError(401, "invalid_token");
    assertThat(reply.header("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"");
  }

  @Test
  void requestWhenCredentialIsNotBearerThenInvalidToken() {
    server.anonymous().send(server.anonymous().request("/v1/agents").header("Authorization", "Basic YTpi"))
        .expectError(401, "invalid_token");
  }

  @Test
  void requestWhenCredentialOver8KibThenInvalidToken() {
    server.api("pc_sk_" + "a".repeat(9000)).get("/v1/agents").expectError(401, "invalid_token");
  }

  @Test
  void requestWhenTwoCredentialsThenInvalidRequest() {
    project.api().get("/v1/threads/thr_x/runs/run_x/stream?token=abc").expectError(400, "invalid_request");
  }

  @Test
  void requestWhenTwoAuthorizationHeadersThenInvalidRequest() {
    server.anonymous().send(server.anonymous().request("/v1/agents")
        .header("Authorization", "Bearer " + project.key()).header("Authorization", "Bearer " + project.key()))
        .expectError(400, "invalid_request");
  }

  @Test
  void queryTokenWhenRouteIsNotAStreamThenInvalidRequest() {
    server.anonymous().get("/v1/agents?token=abc").expectError(400, "invalid_request");
  }

  @Test
  void queryTokenWhenServerKeyOnAStreamThenInvalidRequest() {
    Api.Reply reply = server.anonymous().get("/v1/threads/thr_x/runs/run_x/stream?token=" + project.key())
        .expectError(400, "invalid_request");
    assertThat(reply.body()).doesNotContain(project.key());
  }

  @Test
  void listWhenLimitOutOfRangeOrCursorBadThenInvalidRequest() {
    project.api().get("/v1/agents?limit=0").expectError(400, "invalid_request");
    project.api().get("/v1/agents?limit=201").expectError(400, "invalid_request");
    project.api().get("/v1/agents?limit=ten").expectError(400, "invalid_request");
    project.api().get("/v1/agents?after=%25%25").expectError(400, "invalid_request");
  }

  @Test
  void serverKeyWhenUsingAdminRoutesThenForbidden() {
    project.api().get("/v1/projects").expectError(403, "forbidden");
    project.api().post("/v1/projects/" + project.projectId() + "/api-keys", Map.of("name", "x"))
        .expectError(403, "forbidden");
  }

  @Test
  void adminKeyWhenUsingProjectRoutesThenForbidden() {
    server.admin.get("/v1/agents").expectError(403, "forbidden");
  }

  @Test
  void publicRoutesWhenCalledWithoutCredentialThenAnswer() {
    assertThat(server.anonymous().get("/healthz").expect(200).json().get("status").asText()).isEqualTo("ok");
    assertThat(server.anonymous().get("/readyz").expect(200).json().get("status").asText()).isEqualTo("ready");
    assertThat(server.anonymous().get("/metrics").expect(200).body()).contains("http_server_requests");
    assertThat(server.anonymous().get("/v1/openapi.json").expect(200).header("Content-Type").orElseThrow())
        .startsWith("application/json");
  }

  private static String raw(String request) throws Exception {
    return RawHttp.once(server.server.port(), request);
  }

  @Test
  void headersWhenOver16KibThenJsonErrorNotJettyHtml() throws Exception {
    String response = raw("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(17 * 1024)
        + "\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 431").contains("application/json")
        .contains("\"code\":\"invalid_request\"").doesNotContain("<html");
  }

  @Test
  void requestLineWhenMalformedThenJsonInvalidRequest() throws Exception {
    String response = raw("GET /% HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_request\"").doesNotContain("<html");
  }

  @Test
  void headersWhenJustUnder16KibWithAnOversizedCredentialThenInvalidToken() {
    server.api("pc_sk_" + "a".repeat(12 * 1024)).get("/v1/me").expectError(401, "invalid_token");
  }

  @Test
  void readyzWhenDatabaseGoneThenUnavailableWhileHealthzStaysUp(@TempDir Path other) {
    TestServer lonely = new TestServer(other);
    try {
      lonely.anonymous().get("/readyz").expect(200);
      lonely.server.store().close(); // the database becomes unreachable
      lonely.anonymous().get("/readyz").expectError(503, "unavailable");
      lonely.anonymous().get("/healthz").expect(200);
    } finally {
      lonely.close();
    }
  }
}

package dev.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the client sends, and what it makes of answers that are not the API's, against a stub
 * HTTP server on loopback: a proxy's error page, a body that is not JSON, no answer in time,
 * no server at all.
 */
class TransportTest {

  static final String KEY = "pc_sk_secretsecretsecret";

  private HttpServer stub;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (stub != null) {
      stub.stop(0);
    }
  }

  /** A stub answering every request with {@code status}, {@code contentType} and {@code body}. */
  private URI stub(int status, String contentType, String body) throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext("/", exchange -> answer(exchange, status, contentType, body));
    stub.start();
    return URI.create("http://127.0.0.1:" + stub.getAddress().getPort());
  }

  private void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
        + exchange.getRequestHeaders().getFirst("Authorization"));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static PortcullisClient client(URI baseUrl) {
    return PortcullisClient.builder().baseUrl(baseUrl).credential(KEY).build();
  }

  @Test
  void sendWhenBaseUrlHasAPathThenRequestsGoBelowItWithTheBearerCredential() throws IOException {
    URI base = stub(200, "application/json", "{\"kind\":\"server\",\"project_id\":\"prj_1\",\"identity\":\"key_1\","
        + "\"workspace_id\":null,\"permissions\":[\"project:*\"],\"expires_at\":null,\"added_later\":1}");

    Principal me = client(URI.create(base + "/portcullis/")).me();

    assertThat(seen).containsExactly("GET /portcullis/v1/me Bearer " + KEY);
    assertThat(me).isEqualTo(new Principal(Principal.Kind.SERVER, Optional.of("prj_1"), "key_1",
        Optional.empty(), List.of("project:*"), Optional.empty()));
  }

  @Test
  void sendWhenErrorStatusWithoutTheApisErrorBodyThenClientExceptionNamingTheStatus() throws IOException {
    URI base = stub(502, "text/html", "<html><body>Bad Gateway</body></html>");

    assertThatThrownBy(() -> client(base).me()).isExactlyInstanceOf(PortcullisClientException.class)
        .hasMessageContaining("GET /v1/me").hasMessageContaining("502").hasMessageNotContaining(KEY);
  }

  @Test
  void sendWhenTheApisErrorBodyThenApiExceptionWithItsFields() throws IOException {
    URI base = stub(429, "application/json",
        "{\"error\":{\"code\":\"rate_limited\",\"message\":\"Slow down.\",\"request_id\":\"req_1\"}}");

    assertThatThrownBy(() -> client(base).listAllAgents().toList())
        .isInstanceOfSatisfying(PortcullisApiException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.code()).isEqualTo("rate_limited");
          assertThat(e.serverMessage()).isEqualTo("Slow down.");
          assertThat(e.requestId()).isEqualTo("req_1");
        });
  }

  @Test
  void sendWhenSuccessBodyIsNotJsonThenClientException() throws IOException {
    URI base = stub(200, "text/html", "<html>a captive portal</html>");

    assertThatThrownBy(() -> client(base).me()).isExactlyInstanceOf(PortcullisClientException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void sendWhenSuccessBodyLacksARequiredFieldThenClientExceptionNamingIt() throws IOException {
    URI base = stub(201, "application/json", "{\"id\":\"agt_1\"}");

    assertThatThrownBy(() -> client(base).createAgent(NewAgent.named("x")))
        .isExactlyInstanceOf(PortcullisClientException.class).hasMessageContaining("POST /v1/agents")
        .hasMessageContaining("name");
  }

  @Test
  void sendWhenNoServerListensThenClientExceptionCausedByTheConnectFailure() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    assertThatThrownBy(() -> client(URI.create("http://127.0.0.1:" + port)).me())
        .isExactlyInstanceOf(PortcullisClientException.class).hasMessageContaining("GET /v1/me")
        .hasMessageNotContaining(KEY).hasCauseInstanceOf(ConnectException.class);
  }

  @Test
  void sendWhenNoAnswerInTheRequestTimeoutThenClientExceptionCausedByTheTimeout() throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext("/", exchange -> {
      try {
        Thread.sleep(1_500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    stub.start();
    PortcullisClient client = PortcullisClient.builder()
        .baseUrl(URI.create("http://127.0.0.1:" + stub.getAddress().getPort()))
        .credential(KEY).requestTimeout(Duration.ofMillis(200)).build();

    assertThatThrownBy(client::me).isExactlyInstanceOf(PortcullisClientException.class)
        .hasCauseInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void listAllWhenACursorAnswersItselfThenClientExceptionInsteadOfLoopingForever() throws IOException {
    URI base = stub(200, "application/json", "{\"data\":[],\"next_cursor\":\"c1\"}");

    assertThatThrownBy(() -> client(base).listAllAgents().toList())
        .isExactlyInstanceOf(PortcullisClientException.class).hasMessageContaining("c1");
    assertThat(seen).hasSize(2);
  }
}

package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.config.RouterConfig;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.nio.file.Path;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsHandlerEntry;
import io.javalin.websocket.WsHandlerType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No route escapes the authorization step (API.md section 7). */
class RouteTableTest {

  @TempDir Path data;

  @Test
  void requireEveryRouteMappedWhenAnEndpointHasNoOperationThenRefusesToStart() {
    ParsedEndpoint bare = new ParsedEndpoint(new Endpoint(HandlerType.GET, "/v1/sneaky", ctx -> { }), new RouterConfig());
    assertThatThrownBy(() -> Routes.requireEveryRouteMapped(List.of(bare)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("GET /v1/sneaky");
  }

  @Test
  void requireEveryRouteMappedWhenAWebSocketHasNoMappedUpgradeThenRefusesToStart() {
    RouterConfig router = new RouterConfig();
    WsHandlerEntry socket = new WsHandlerEntry(WsHandlerType.WEBSOCKET, "/v1/sneaky-ws", router, new WsConfig(), Set.of());
    ParsedEndpoint unmappedUpgrade = new ParsedEndpoint(
        new Endpoint(HandlerType.WEBSOCKET_BEFORE_UPGRADE, "/v1/sneaky-ws", ctx -> { }), router);
    assertThatThrownBy(() -> Routes.requireEveryRouteMapped(List.of(), List.of(socket)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("WebSocket /v1/sneaky-ws");
    assertThatThrownBy(() -> Routes.requireEveryRouteMapped(List.of(unmappedUpgrade), List.of(socket)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("/v1/sneaky-ws");
  }

  @Test
  void routeTableWhenServerRunsThenEveryRouteHasAnOperation() {
    try (TestServer server = new TestServer(data)) {
      List<String> table = server.server.routeTable();
      assertThat(table).hasSizeGreaterThan(20)
          .allSatisfy(line -> assertThat(line).matches("[A-Z]+ /\\S* -> [a-z_]+\\.[a-z_]+"))
          .contains("GET /v1/threads/{id}/runs/{run_id}/stream -> threads.read",
              "POST /v1/threads/{id}/runs -> threads.create_run",
              "POST /v1/threads/{id}/messages -> threads.update",
              "GET /v1/agents -> agents.search",
              "GET /v1/ws -> threads.read");
    }
  }
}

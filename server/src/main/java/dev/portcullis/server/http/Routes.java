package dev.portcullis.server.http;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsHandlerEntry;
import io.javalin.websocket.WsHandlerType;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The route table. The only way to add a route is with its {@link Operation}, and every
 * handler runs behind the {@link RequestGate}. {@link #requireEveryRouteMapped} refuses a
 * server whose router holds any endpoint registered around this table.
 *
 * <p>Almost every route is authenticated by the gate's authenticator chain. A route whose
 * credential can only be judged with the request's body (the identity-provider exchange, where
 * the body names the project whose rules apply) is registered with
 * {@link #postSelfAuthenticated}: it is in this table with its (resource, action) like any
 * other, the gate still extracts its credential, but the handler verifies it and hands the
 * resulting principal back to the gate's authorization step.
 */
final class Routes {

  /** A handler behind the gate. */
  @FunctionalInterface
  interface GatedHandler {
    void handle(Context ctx, Access access) throws Exception;
  }

  /** A handler that verifies its route's credential itself; see {@link #postSelfAuthenticated}. */
  @FunctionalInterface
  interface SelfAuthenticatedHandler {
    void handle(Context ctx, RequestGate.Unverified request) throws Exception;
  }

  private final JavalinConfig config;
  private final RequestGate gate;

  Routes(JavalinConfig config, RequestGate gate) {
    this.config = config;
    this.gate = gate;
  }

  void get(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.GET, path, gated(resource, action, false), handler);
  }

  /** A GET stream, where browsers cannot set headers: {@code ?token=} is accepted. */
  void getStream(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.GET, path, gated(resource, action, true), handler);
  }

  void post(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.POST, path, gated(resource, action, false), handler);
  }

  void patch(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.PATCH, path, gated(resource, action, false), handler);
  }

  void delete(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.DELETE, path, gated(resource, action, false), handler);
  }

  /**
   * A POST whose credential the handler verifies itself, for credentials the authenticator chain
   * cannot judge alone. The gate takes the credential from the {@code Authorization} header only
   * (a request without one is {@code 401 unauthenticated}, {@code ?token=} is a 400, a cookie is
   * ignored) and does not run the chain; the handler must verify it, and then call
   * {@link RequestGate.Unverified#admit} with the principal it proved, which runs the authorizer
   * on ({@code resource}, {@code action}) as for any other route.
   */
  void postSelfAuthenticated(String path, Resource resource, Action action, SelfAuthenticatedHandler handler) {
    RouteOperation route = new RouteOperation(Operation.of(resource, action), false, true);
    config.routes.addEndpoint(new Endpoint(HandlerType.POST, path,
        ctx -> handler.handle(ctx, gate.unverified(ctx, route)), Set.of(route)));
  }

  /**
   * A WebSocket endpoint. The gate admits the upgrade request like any GET route (its credential
   * may also travel in {@code ?token=} or the {@code bearer.} subprotocol), then
   * {@code beforeUpgrade} runs with the resulting access; anything either throws is answered as
   * an HTTP error and the connection is never upgraded. {@code socket} configures the upgraded
   * connection's handlers.
   */
  void websocket(String path, Resource resource, Action action, GatedHandler beforeUpgrade,
      Consumer<WsConfig> socket) {
    RouteOperation route = new RouteOperation(Operation.of(resource, action), true, false);
    config.routes.addEndpoint(new Endpoint(HandlerType.WEBSOCKET_BEFORE_UPGRADE, path,
        ctx -> {
          ErrorRenderer.assignRequestId(ctx);
          beforeUpgrade.handle(ctx, gate.admitUpgrade(ctx, route));
        }, Set.of(route)));
    config.routes.addWsHandler(WsHandlerType.WEBSOCKET, path, socket);
  }

  private static RouteOperation gated(Resource resource, Action action, boolean queryToken) {
    return new RouteOperation(Operation.of(resource, action), queryToken, false);
  }

  private void add(HandlerType method, String path, RouteOperation route, GatedHandler handler) {
    config.routes.addEndpoint(new Endpoint(method, path,
        ctx -> handler.handle(ctx, gate.admit(ctx, route)), Set.of(route)));
  }

  /** @throws IllegalStateException naming the first endpoint that has no operation */
  static void requireEveryRouteMapped(List<ParsedEndpoint> endpoints) {
    requireEveryRouteMapped(endpoints, List.of());
  }

  /**
   * @throws IllegalStateException naming the first endpoint that has no operation, or the first
   *     WebSocket path that is upgraded without a mapped upgrade endpoint (one registered around
   *     {@link #websocket})
   */
  static void requireEveryRouteMapped(List<ParsedEndpoint> endpoints, List<WsHandlerEntry> sockets) {
    for (ParsedEndpoint parsed : endpoints) {
      Endpoint e = parsed.endpoint;
      if (isRoute(e) && e.metadata(RouteOperation.class) == null) {
        throw new IllegalStateException("route " + e.method + " " + e.path
            + " has no (resource, action); register it through Routes");
      }
    }
    for (WsHandlerEntry socket : sockets) {
      boolean mapped = endpoints.stream().map(p -> p.endpoint).anyMatch(e -> e.method == HandlerType.WEBSOCKET_BEFORE_UPGRADE
          && e.path.equals(socket.getPath()) && e.metadata(RouteOperation.class) != null);
      if (!mapped) {
        throw new IllegalStateException("WebSocket " + socket.getPath()
            + " has no (resource, action); register it through Routes.websocket");
      }
    }
  }

  /** The operation of every registered route, for the route-table test and the docs; a WebSocket is its GET. */
  static List<String> describe(List<ParsedEndpoint> endpoints) {
    return endpoints.stream().filter(p -> isRoute(p.endpoint))
        .map(p -> (p.endpoint.method == HandlerType.WEBSOCKET_BEFORE_UPGRADE ? HandlerType.GET : p.endpoint.method)
            + " " + p.endpoint.path + " -> " + p.endpoint.metadata(RouteOperation.class).operation())
        .toList();
  }

  /** An HTTP route or a WebSocket's upgrade; not a before or after filter. */
  private static boolean isRoute(Endpoint e) {
    return e.method.isHttpMethod() || e.method == HandlerType.WEBSOCKET_BEFORE_UPGRADE;
  }
}

package dev.portcullis.server.http;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.util.List;
import java.util.Set;

/**
 * The route table. The only way to add a route is with its {@link Operation}, and every
 * handler runs behind the {@link RequestGate}. {@link #requireEveryRouteMapped} refuses a
 * server whose router holds any endpoint registered around this table.
 */
final class Routes {

  /** A handler behind the gate. */
  @FunctionalInterface
  interface GatedHandler {
    void handle(Context ctx, Access access) throws Exception;
  }

  private final JavalinConfig config;
  private final RequestGate gate;

  Routes(JavalinConfig config, RequestGate gate) {
    this.config = config;
    this.gate = gate;
  }

  void get(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.GET, path, new RouteOperation(Operation.of(resource, action), false), handler);
  }

  /** A GET stream, where browsers cannot set headers: {@code ?token=} is accepted. */
  void getStream(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.GET, path, new RouteOperation(Operation.of(resource, action), true), handler);
  }

  void post(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.POST, path, new RouteOperation(Operation.of(resource, action), false), handler);
  }

  void patch(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.PATCH, path, new RouteOperation(Operation.of(resource, action), false), handler);
  }

  void delete(String path, Resource resource, Action action, GatedHandler handler) {
    add(HandlerType.DELETE, path, new RouteOperation(Operation.of(resource, action), false), handler);
  }

  private void add(HandlerType method, String path, RouteOperation route, GatedHandler handler) {
    config.routes.addEndpoint(new Endpoint(method, path,
        ctx -> handler.handle(ctx, gate.admit(ctx, route)), Set.of(route)));
  }

  /** @throws IllegalStateException naming the first endpoint that has no operation */
  static void requireEveryRouteMapped(List<ParsedEndpoint> endpoints) {
    for (ParsedEndpoint parsed : endpoints) {
      Endpoint e = parsed.endpoint;
      if (e.method.isHttpMethod() && e.metadata(RouteOperation.class) == null) {
        throw new IllegalStateException("route " + e.method + " " + e.path
            + " has no (resource, action); register it through Routes");
      }
    }
  }

  /**
   * The operation of every registered route, for the route-table test and the docs. Before and
   * after handlers (such as the one setting {@code X-Request-Id}) are not routes and are left out.
   */
  static List<String> describe(List<ParsedEndpoint> endpoints) {
    return endpoints.stream().filter(p -> p.endpoint.method.isHttpMethod())
        .map(p -> p.endpoint.method + " " + p.endpoint.path + " -> "
            + p.endpoint.metadata(RouteOperation.class).operation()).toList();
  }
}

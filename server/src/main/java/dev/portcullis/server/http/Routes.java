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

  private static RouteOperation gated(Resource resource, Action action, boolean queryToken) {
    return new RouteOperation(Operation.of(resource, action), queryToken, false);
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

  /** The operation of every registered route, for the route-table test and the docs. */
  static List<String> describe(List<ParsedEndpoint> endpoints) {
    return endpoints.stream().filter(p -> p.endpoint.method.isHttpMethod()).map(p -> p.endpoint.method + " " + p.endpoint.path + " -> "
        + p.endpoint.metadata(RouteOperation.class).operation()).toList();
  }
}

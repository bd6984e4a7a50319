package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE;
import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Resource.PUBLIC;

import dev.portcullis.core.domain.Project;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.jwt.WorkspaceTokens;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.ProjectStore;
import dev.portcullis.core.workspace.Revocations;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo chat of {@code ./portcullis demo} (API.md section 7 maps demo pages to
 * {@code public}): the page at {@code /demo/}, and a STAND-IN BACKEND under {@code /demo/api/}
 * that plays the integrator's own server. It signs in "alice" or "bob" with no password and
 * hands the page short-lived workspace tokens of the user's own workspace, as a real backend
 * would after its own login; signing a user out revokes the workspace's tokens and stops the
 * minting. Registered only by the demo command: it is an example, not an API.
 */
final class DemoRoutes {

  static final Set<String> USERS = Set.of("alice", "bob");
  private static final String USER_COOKIE = "portcullis_demo_user";
  private static final Map<String, String> PAGES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "style.css", "text/css; charset=utf-8",
      "portcullis.js", "text/javascript; charset=utf-8");

  private final ProjectStore projects;
  private final WorkspaceTokens tokens;
  private final Revocations revocations;
  private final PublicOrigin origin;
  private final Responses respond;
  /** Users signed out by the backend: no token is minted for them until they sign in again. */
  private final Set<String> signedOut = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> demoProjectId = new AtomicReference<>();

  DemoRoutes(ProjectStore projects, WorkspaceTokens tokens, Revocations revocations, PublicOrigin origin,
      Responses respond) {
    this.projects = projects;
    this.tokens = tokens;
    this.revocations = revocations;
    this.origin = origin;
    this.respond = respond;
  }

  record SignIn(String user) {}

  record SignOut(String user) {}

  void register(Routes routes) {
    routes.get("/demo/", PUBLIC, READ, (ctx, access) -> page(ctx, "index.html"));
    routes.get("/demo/{file}", PUBLIC, READ, (ctx, access) -> page(ctx, ctx.pathParam("file")));

    routes.post("/demo/api/login", PUBLIC, CREATE, (ctx, access) -> {
      origin.requireSameOrigin(ctx); // a page elsewhere must not sign the browser in
      String user = user(respond.bodies().read(ctx, SignIn.class).user());
      signedOut.remove(user);
      ctx.header("Set-Cookie", USER_COOKIE + "=" + user + "; Path=/demo/api; HttpOnly; SameSite=Strict"
          + (origin.isLoopback() ? "" : "; Secure"));
      respond.ok(ctx, Map.of("user", user));
    });
    // What the page calls for a token, first and before each expiry: a backend's session
    // check, then a mint with the server's own authority.
    routes.post("/demo/api/token", PUBLIC, CREATE, (ctx, access) -> {
      origin.requireSameOrigin(ctx);
      String user = Optional.ofNullable(ctx.cookie(USER_COOKIE)).filter(USERS::contains).orElseThrow(() ->
          new PortcullisException(ErrorCode.UNAUTHENTICATED, "Sign in first."));
      if (signedOut.contains(user)) {
        throw new PortcullisException(ErrorCode.UNAUTHENTICATED, user + " has been signed out.");
      }
      Duration ttl = Duration.ofSeconds(ttlSeconds(ctx.queryParam("ttl_seconds")));
      WorkspaceTokens.Minted minted = tokens.mint(new WorkspaceTokens.MintRequest(demoProjectId(), user,
          Optional.of(user), ttl, Map.of()));
      Map<String, Object> view = new LinkedHashMap<>(IdentityRoutes.tokenView(minted));
      view.put("user", user);
      respond.ok(ctx, view);
    });
    // The backend signing a user out, say from an admin screen: every token of the user's
    // workspace is revoked at once (open sockets close with 4003) and no new one is minted.
    routes.post("/demo/api/logout", PUBLIC, CREATE, (ctx, access) -> {
      String user = user(respond.bodies().read(ctx, SignOut.class).user());
      signedOut.add(user);
      revocations.revokeWorkspace(demoProjectId(), user);
      ctx.header("Set-Cookie", USER_COOKIE + "=; Path=/demo/api; Max-Age=0; HttpOnly; SameSite=Strict");
      respond.noContent(ctx);
    });
  }

  private static String user(String user) {
    if (user == null || !USERS.contains(user)) {
      throw PortcullisException.invalidRequest("user must be alice or bob.");
    }
    return user;
  }

  private static long ttlSeconds(String given) {
    if (given == null) {
      return WorkspaceTokens.DEFAULT_TTL.toSeconds();
    }
    try {
      long seconds = Long.parseLong(given);
      if (seconds >= 1 && seconds <= 3600) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw PortcullisException.invalidRequest("ttl_seconds must be 1 to 3600.");
  }

  /** The project the demo seeded, looked up once it exists: every token request needs it. */
  private String demoProjectId() {
    String known = demoProjectId.get();
    if (known != null) {
      return known;
    }
    String found = projects.list(PageRequest.first(PageRequest.MAX_LIMIT)).data().stream()
        .filter(p -> p.name().equals("demo")).findFirst().map(Project::id)
        .orElseThrow(() -> new PortcullisException(ErrorCode.UNAVAILABLE, "The demo project is not seeded yet."));
    demoProjectId.compareAndSet(null, found);
    return found;
  }

  private static void page(Context ctx, String file) throws IOException {
    String type = PAGES.get(file);
    if (type == null) {
      throw PortcullisException.notFound("Page");
    }
    try (InputStream in = DemoRoutes.class.getResourceAsStream("/demo/" + file)) {
      if (in == null) {
        throw PortcullisException.notFound("Page");
      }
      ctx.contentType(type);
      ctx.header("Cache-Control", "no-store");
      ctx.header("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:");
      ctx.result(in.readAllBytes());
    }
  }
}

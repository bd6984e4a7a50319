package dev.portcullis.server.http;

import dev.portcullis.core.clienttoken.Origins;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.store.ClientTokenStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Cross-origin requests from browsers (API.md section 5). An origin is allowed when it is this
 * server's own, one of {@code --allowed-origins}, or the hostname of a live client token of any
 * project. A preflight carries no credential, so it is answered for exactly those origins and
 * refused with {@code 403 origin_not_allowed} for any other. A response names only the
 * request's own origin, never {@code *}; whether a client token may be used from that origin is
 * the request gate's check, not this one's. Thread-safe.
 */
final class CrossOrigin {

  /** How long the answer "is this the hostname of a live client token" is reused. */
  static final Duration HOSTNAME_CACHE_TTL = Duration.ofSeconds(1);
  private static final String METHODS = "GET, POST, PATCH, DELETE";
  private static final String HEADERS = "Authorization, Content-Type, Last-Event-ID";
  private static final String EXPOSED = "X-Request-Id, WWW-Authenticate, Retry-After";
  private static final int MAX_CACHED = 10_000;

  private final PublicOrigin own;
  private final Set<String> configured;
  private final ClientTokenStore tokens;
  private final Clock clock;
  private final Map<String, Checked> liveHostnames = new ConcurrentHashMap<>();

  private record Checked(boolean live, Instant at) {}

  CrossOrigin(PublicOrigin own, List<String> allowedOrigins, ClientTokenStore tokens, Clock clock) {
    this.own = own;
    this.configured = allowedOrigins.stream().map(Origins::normalize).collect(Collectors.toUnmodifiableSet());
    this.tokens = tokens;
    this.clock = clock;
  }

  /** Answers preflights and names the allowed origin on every other response. */
  void install(JavalinConfig config) {
    config.routes.before(ctx -> {
      Optional<String> origin = Optional.ofNullable(ctx.header("Origin")).flatMap(o -> Origins.ofRequest(o, null));
      boolean preflight = ctx.method().name().equals("OPTIONS") && ctx.header("Access-Control-Request-Method") != null;
      if (origin.isEmpty()) {
        if (preflight) {
          throw new PortcullisException(ErrorCode.ORIGIN_NOT_ALLOWED, "A preflight must name its Origin.");
        }
        return;
      }
      ctx.header("Vary", "Origin");
      if (!allowed(origin.get())) {
        if (preflight) {
          throw new PortcullisException(ErrorCode.ORIGIN_NOT_ALLOWED,
              "Origin " + origin.get() + " is not allowed; configure it or bind a client token to it.");
        }
        return; // the browser withholds the response; a client token's own check answers 403
      }
      ctx.header("Access-Control-Allow-Origin", origin.get());
      ctx.header("Access-Control-Expose-Headers", EXPOSED);
      if (preflight) {
        ctx.header("Access-Control-Allow-Methods", METHODS);
        ctx.header("Access-Control-Allow-Headers", HEADERS);
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
        ctx.skipRemainingHandlers();
      }
    });
  }

  /**
   * Whether {@code origin} (normalized, as {@link Origins#ofRequest} gives it) is this server's own
   * or one of {@code --allowed-origins}: where a browser may open a WebSocket with a credential
   * that is not bound to a hostname.
   */
  boolean ownOrConfigured(String origin) {
    return configured.contains(origin) || origin.equals(own.origin());
  }

  private boolean allowed(String origin) {
    if (ownOrConfigured(origin)) {
      return true;
    }
    Instant now = clock.instant();
    Checked checked = liveHostnames.get(origin);
    if (checked == null || !now.isBefore(checked.at().plus(HOSTNAME_CACHE_TTL))) {
      if (liveHostnames.size() >= MAX_CACHED) {
        liveHostnames.clear(); // crude bound against a flood of made-up origins
      }
      checked = new Checked(tokens.anyLiveWithHostname(origin, now), now);
      liveHostnames.put(origin, checked);
    }
    return checked.live();
  }
}

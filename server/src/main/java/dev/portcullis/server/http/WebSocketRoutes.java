package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE_RUN;
import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Resource.THREADS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.clienttoken.ClientTokenAuthenticator;
import dev.portcullis.core.clienttoken.Origins;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.run.RunEvents;
import dev.portcullis.core.store.ThreadStore;
import dev.portcullis.core.view.JsonViews;
import dev.portcullis.server.ws.SocketLimits;
import dev.portcullis.server.ws.EventFrames;
import dev.portcullis.server.ws.SocketSession;
import dev.portcullis.server.ws.SocketWatch;
import dev.portcullis.spi.Principal;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code GET /v1/ws} (API.md section 8). The upgrade is admitted by the gate before any
 * WebSocket handshake: a missing or bad credential, an admin or server key in {@code ?token=},
 * or a browser {@code Origin} the credential does not allow is an ordinary HTTP error with the
 * API's JSON body, and the connection is never upgraded. The upgraded connection is a
 * {@link SocketSession}.
 */
final class WebSocketRoutes {

  static final String PATH = "/v1/ws";
  private static final String ACCESS = "portcullis.ws-access";
  /** The socket itself is threads.read; see {@link #register}. */
  private static final RouteOperation SOCKET = new RouteOperation(Operation.of(THREADS, READ), true, false);
  /** Seconds a client refused for holding too many sockets is asked to wait; sockets live long. */
  private static final String RETRY_AFTER_SECONDS = "30";

  private final RequestGate gate;
  private final CrossOrigin crossOrigin;
  private final ThreadStore threads;
  private final ThreadRoutes runs;
  private final RunEvents events;
  private final SocketLimits limits;
  private final SocketWatch watch;
  private final EventFrames eventFrames;
  private final ObjectMapper json;
  private final Clock clock;
  private final Map<WsContext, Open> sessions = new ConcurrentHashMap<>();
  /** Open sockets by {@link #holder} of their principal. */
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  private record Open(SocketSession session, String holder) {}

  WebSocketRoutes(RequestGate gate, CrossOrigin crossOrigin, ThreadStore threads, ThreadRoutes runs,
      RunEvents events, SocketLimits limits, SocketWatch watch, ObjectMapper json, Clock clock) {
    this.watch = watch;
    this.eventFrames = new EventFrames(json);
    this.gate = gate;
    this.crossOrigin = crossOrigin;
    this.threads = threads;
    this.runs = runs;
    this.events = events;
    this.limits = limits;
    this.json = json;
    this.clock = clock;
  }

  void register(Routes routes) {
    // The socket itself is threads.read: all it can do is stream the events of threads, each
    // subscription authorized again as GET /v1/threads/{id}; a credential that may not read
    // threads at all has no use for a socket and is refused before the upgrade.
    routes.websocket(PATH, THREADS, READ, this::beforeUpgrade, ws -> {
      ws.onConnect(ctx -> {
        Access access = ctx.attribute(ACCESS);
        Principal principal = access.caller();
        Optional<String> origin = Optional.ofNullable(ctx.header("Origin"));
        Optional<String> referer = Optional.ofNullable(ctx.header("Referer"));
        SocketSession session = new SocketSession(new SocketSession.Peer() {
          @Override
          public void send(String text) {
            ctx.send(text);
          }

          @Override
          public void close(int code, String reason) {
            ctx.closeSession(code, reason);
          }
        }, credential(access), new AuthorizedThreads(ctx),
            (token, requestId) -> credential(gate.admitFrameCredential(token, origin, referer, SOCKET, requestId)),
            limits, json, clock);
        String holder = holder(principal);
        sessions.put(ctx, new Open(session, holder));
        // The count was checked before the upgrade; upgrades racing past it are closed here.
        if (held.merge(holder, 1, Integer::sum) > limits.socketsPerPrincipal()) {
          session.closed();
          ctx.closeSession(4008, "too_many_sockets: at most " + limits.socketsPerPrincipal() + " per principal");
          return;
        }
        session.opened();
        watch.add(session);
      });
      ws.onMessage(ctx -> {
        Open open = sessions.get(ctx);
        if (open != null) {
          open.session().received(ctx.message());
        }
      });
      ws.onClose(ctx -> ended(ctx));
      ws.onError(ctx -> ended(ctx));
    });
  }

  private void ended(WsContext ctx) {
    Open open = sessions.remove(ctx);
    if (open != null) {
      watch.remove(open.session());
      open.session().closed();
      held.computeIfPresent(open.holder(), (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  private static SocketSession.Credential credential(Access access) {
    Principal principal = access.caller();
    return new SocketSession.Credential(principal, JsonViews.principal(principal), access.credentialCheck()::lapsed);
  }

  /**
   * Whose sockets count together against {@link SocketLimits#socketsPerPrincipal()}: one
   * identity of one kind in one project and workspace (a client token is its own identity).
   */
  private static String holder(Principal principal) {
    return principal.kind().wireName() + '\n' + principal.projectId().orElse("") + '\n'
        + principal.workspaceId().orElse("") + '\n' + principal.identity();
  }

  /**
   * Runs after the gate admitted the upgrade's credential: checks the browser's {@code Origin}
   * and the offered subprotocols, and hands the access to the socket.
   */
  private void beforeUpgrade(Context ctx, Access access) {
    requireAllowedOrigin(ctx, access.caller());
    if (held.getOrDefault(holder(access.caller()), 0) >= limits.socketsPerPrincipal()) {
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      throw new PortcullisException(ErrorCode.RATE_LIMITED, "This principal holds " + limits.socketsPerPrincipal()
          + " WebSockets already, the most it may; close one first.");
    }
    List<String> offered = WebSocketProtocols.offered(ctx);
    if (offered.contains(WebSocketProtocols.PORTCULLIS)) {
      // Answer portcullis, never the bearer. entry that carries the credential.
      ctx.header("Sec-WebSocket-Protocol", WebSocketProtocols.PORTCULLIS);
    } else if (!offered.isEmpty()) {
      throw PortcullisException.invalidRequest("The only WebSocket subprotocol is portcullis; offer it as"
          + " Sec-WebSocket-Protocol: portcullis, bearer.<credential>.");
    }
    ctx.attribute(ACCESS, access);
  }

  /**
   * A browser's {@code Origin} must be one the credential allows: the hostname of a bound client
   * token (which the gate has already checked), else this server's own or one of
   * {@code --allowed-origins}. This stops cross-site WebSocket hijacking, where a page of
   * another site opens a socket that the browser authenticates. Clients that are not browsers
   * send no {@code Origin}.
   */
  private void requireAllowedOrigin(Context ctx, Principal principal) {
    String header = ctx.header("Origin");
    if (header == null) {
      return;
    }
    boolean bound = principal.kind() == Principal.Kind.CLIENT
        && principal.claims().get(ClientTokenAuthenticator.HOSTNAME_CLAIM) instanceof String;
    if (bound) {
      return; // the gate let it through only from the token's own hostname
    }
    Optional<String> origin = Origins.ofRequest(header, null);
    if (origin.isEmpty() || !crossOrigin.ownOrConfigured(origin.get())) {
      throw new PortcullisException(ErrorCode.ORIGIN_NOT_ALLOWED,
          "A WebSocket may be opened only from this server's own origin or an allowed origin; "
              + "use a client token bound to " + header + " there.");
    }
  }

  /** Threads as a socket's principal may use them, each use authorized by the engine as its REST route. */
  private final class AuthorizedThreads implements SocketSession.Threads {
    private final WsContext socket;

    AuthorizedThreads(WsContext socket) {
      this.socket = socket;
    }

    @Override
    public void requireReadable(Principal principal, String threadId, String requestId) {
      Access access = gate.authorizeFrame(principal, Operation.of(THREADS, READ), threadId, requestId);
      threads.find(access.scope(), threadId).orElseThrow(() -> PortcullisException.notFound("Thread"));
    }

    @Override
    public String startRun(Principal principal, String threadId, JsonNode input, String requestId) {
      byte[] body;
      try {
        body = json.writeValueAsBytes(input.isMissingNode() ? Map.of() : Map.of("input", input));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a parsed frame is always serialisable", e);
      }
      Access access = gate.authorizeFrame(principal, Operation.of(THREADS, CREATE_RUN), threadId, body, requestId);
      return runs.startRun(access, threadId, body).id();
    }

    @Override
    public void follow(String threadId, long afterId, Consumer<String> frames, BooleanSupplier open)
        throws InterruptedException {
      try {
        events.followThread(threadId, afterId, event -> frames.accept(eventFrames.of(threadId, event)), open);
      } catch (PortcullisException behind) {
        if (behind.code() != ErrorCode.RATE_LIMITED) {
          throw behind;
        }
        // A client that does not read its socket must not hold events for ever: close it as a
        // policy violation; it reconnects and resumes with after.
        socket.closeSession(4008, "rate_limited: the socket fell behind the events of " + threadId.substring(0,
            Math.min(threadId.length(), 40)) + "; subscribe again with after");
      }
    }
  }
}

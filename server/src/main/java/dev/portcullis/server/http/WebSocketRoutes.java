package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Resource.THREADS;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.clienttoken.ClientTokenAuthenticator;
import dev.portcullis.core.clienttoken.Origins;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.run.RunEvents;
import dev.portcullis.core.store.ThreadStore;
import dev.portcullis.core.view.JsonViews;
import dev.portcullis.server.ws.SocketSession;
import dev.portcullis.spi.Principal;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

  private final RequestGate gate;
  private final CrossOrigin crossOrigin;
  private final ThreadStore threads;
  private final RunEvents events;
  private final ObjectMapper json;
  private final Clock clock;
  private final Map<WsContext, SocketSession> sessions = new ConcurrentHashMap<>();

  WebSocketRoutes(RequestGate gate, CrossOrigin crossOrigin, ThreadStore threads, RunEvents events,
      ObjectMapper json, Clock clock) {
    this.gate = gate;
    this.crossOrigin = crossOrigin;
    this.threads = threads;
    this.events = events;
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
        SocketSession session = new SocketSession(new SocketSession.Peer() {
          @Override
          public void send(String text) {
            ctx.send(text);
          }

          @Override
          public void close(int code, String reason) {
            ctx.closeSession(code, reason);
          }
        }, principal, JsonViews.principal(principal), access.credentialCheck()::lapsed,
            new ReadableThreads(principal, ctx), json, clock);
        sessions.put(ctx, session);
        session.opened();
      });
      ws.onMessage(ctx -> {
        SocketSession session = sessions.get(ctx);
        if (session != null) {
          session.received(ctx.message());
        }
      });
      ws.onClose(ctx -> {
        SocketSession session = sessions.remove(ctx);
        if (session != null) {
          session.closed();
        }
      });
      ws.onError(ctx -> {
        SocketSession session = sessions.remove(ctx);
        if (session != null) {
          session.closed();
        }
      });
    });
  }

  /**
   * Runs after the gate admitted the upgrade's credential: checks the browser's {@code Origin}
   * and the offered subprotocols, and hands the access to the socket.
   */
  private void beforeUpgrade(Context ctx, Access access) {
    requireAllowedOrigin(ctx, access.caller());
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

  /** The threads one socket's principal may read, decided by the engine as for {@code GET /v1/threads/{id}}. */
  private final class ReadableThreads implements SocketSession.Threads {
    private final Principal principal;
    private final WsContext socket;

    ReadableThreads(Principal principal, WsContext socket) {
      this.principal = principal;
      this.socket = socket;
    }

    @Override
    public void requireReadable(String threadId, String requestId) {
      Access access = gate.authorizeFrame(principal, Operation.of(THREADS, READ), threadId, requestId);
      threads.find(access.scope(), threadId).orElseThrow(() -> PortcullisException.notFound("Thread"));
    }

    @Override
    public void follow(String threadId, long afterId, java.util.function.Consumer<dev.portcullis.core.domain.RunEvent> sink,
        java.util.function.BooleanSupplier open) throws InterruptedException {
      try {
        events.followThread(threadId, afterId, sink, open);
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

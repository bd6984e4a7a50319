package dev.portcullis.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.apikey.AdminKeyAuthenticator;
import dev.portcullis.core.apikey.ApiKeys;
import dev.portcullis.core.apikey.ServerKeyAuthenticator;
import dev.portcullis.core.audit.AuditLog;
import dev.portcullis.core.authn.AuthenticatorChain;
import dev.portcullis.core.authrule.AuthRules;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.CredentialLimitsAuthorizer;
import dev.portcullis.core.clienttoken.ClientTokenAuthenticator;
import dev.portcullis.core.clienttoken.ClientTokens;
import dev.portcullis.core.jwt.JwkSetCache;
import dev.portcullis.core.jwt.ProviderTokenAuthenticator;
import dev.portcullis.core.jwt.ProviderTokenExchange;
import dev.portcullis.core.jwt.ProviderTokenVerifier;
import dev.portcullis.core.jwt.SigningKeyRing;
import dev.portcullis.core.jwt.WorkspaceTokenAuthenticator;
import dev.portcullis.core.jwt.WorkspaceTokens;
import dev.portcullis.core.model.ModelCatalog;
import dev.portcullis.core.policy.Policy;
import dev.portcullis.core.policy.PolicyAuthorizer;
import dev.portcullis.core.policy.PolicyException;
import dev.portcullis.core.run.RunEvents;
import dev.portcullis.core.run.Runs;
import dev.portcullis.core.store.Store;
import dev.portcullis.core.ticket.WsTickets;
import dev.portcullis.core.view.JsonMappers;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.server.ws.SocketWatch;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.plugin.PluginDirectory;
import dev.portcullis.store.JdbcStore;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Portcullis server: the store, the authentication and authorization chain, the routes,
 * on Javalin (Jetty 12, virtual threads). {@link #start} returns once it is listening.
 */
public final class PortcullisServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortcullisServer.class);
  /** Request headers may total 16 KiB (API.md section 2), so an 8 KiB credential check is reachable. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Store store;
  private final Javalin app;
  private final ExecutorService background;
  private final Optional<String> generatedAdminKey;
  private final ApiKeys apiKeys;
  private final Revocations revocations;
  private final SocketWatch socketWatch;
  private final AuditLog audit;
  private final PluginDirectory plugins;
  private final AtomicReference<String> publicUrl = new AtomicReference<>();

  private PortcullisServer(ServerConfig config, Store store, PluginDirectory plugins, Authorizer authorizer,
      Map<String, String> env, boolean demo) {
    this.store = store;
    this.plugins = plugins;
    this.background = Executors.newVirtualThreadPerTaskExecutor();
    this.generatedAdminKey = AdminKeyBootstrap.ensure(store.projects(),
        Optional.ofNullable(env.get("PORTCULLIS_ADMIN_KEY")).filter(s -> !s.isBlank()), config.dataDir());
    Clock clock = Clock.systemUTC();
    ObjectMapper json = JsonMappers.create();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
    ErrorRenderer errors = new ErrorRenderer(json);
    JsonBodies bodies = new JsonBodies(config.maxBodyBytes());
    Responses respond = new Responses(json, bodies);

    // The issuer and same-origin checks need the URL, which with port 0 is known only once listening.
    config.publicUrl().ifPresent(u -> publicUrl.set(u.toString()));
    PublicOrigin origin = new PublicOrigin(publicUrl::get);
    SigningKeyRing signingKeys = new SigningKeyRing(store.signingKeys(),
        KeyEncryptionKeyFile.load(config.keyEncryptionKey(), config.dataDir()), clock);
    this.audit = new AuditLog(store.audit(), clock);
    this.revocations = new Revocations(store.revocations(), clock);
    revocations.startFollowing();
    this.socketWatch = new SocketWatch(revocations::version);
    WorkspaceTokens workspaceTokens = new WorkspaceTokens(signingKeys, publicUrl::get, clock);

    // One JWK Set cache for every identity provider, shared by direct use and the exchange.
    ProviderTokenVerifier providerTokens = new ProviderTokenVerifier(new JwkSetCache(clock), clock);
    ProviderTokenAuthenticator providerTokenAuthenticator =
        new ProviderTokenAuthenticator(providerTokens, store.authRules(), clock);
    AuthRules authRules = new AuthRules(store.authRules(), providerTokenAuthenticator::forgetRule, clock);
    ProviderTokenExchange exchange = new ProviderTokenExchange(providerTokens, store.authRules(), workspaceTokens);

    ServerKeyAuthenticator serverKeys = new ServerKeyAuthenticator(store.apiKeys(), revocations, clock, background);
    ClientTokenAuthenticator clientTokenAuthenticator =
        new ClientTokenAuthenticator(store.clientTokens(), revocations, clock);
    ClientTokens clientTokens = new ClientTokens(store.clientTokens(), store.agents(), store.threads(), revocations,
        clientTokenAuthenticator, clock, config.clientTokenMaxTtl());
    AuthenticatorChain authenticators = new AuthenticatorChain(List.of(
        new AdminKeyAuthenticator(store.projects()), serverKeys, clientTokenAuthenticator,
        new WorkspaceTokenAuthenticator(signingKeys, revocations, publicUrl::get, clock),
        providerTokenAuthenticator),
        plugins.authenticators());
    AuthzResources authzResources = new AuthzResources(store, json, authorizer);
    WsTickets tickets = new WsTickets(store.wsTickets(), revocations, clock);
    RequestGate gate = new RequestGate(authenticators, authorizer, origin, audit, authzResources, bodies, tickets);
    this.apiKeys = new ApiKeys(store.apiKeys(), serverKeys, revocations, clock);
    ModelCatalog models = new ModelCatalog(config.echoDelay(), config.openAi());
    RunEvents events = new RunEvents(store.runs());
    Runs runs = new Runs(store.runs(), store.messages(), events, models, background, json);
    if (config.db().isEmpty()) {
      // Embedded SQLite has one server: a run still marked running was cut off by a crash.
      int failed = runs.failInterrupted();
      if (failed > 0) {
        LOG.warn("{} run(s) interrupted by the last shutdown were marked failed", failed);
      }
    }

    this.app = Javalin.create(cfg -> {
      cfg.concurrency.useVirtualThreads = true;
      cfg.http.prefer405over404 = true;
      cfg.http.maxRequestSize = config.maxBodyBytes();
      cfg.http.compressionStrategy = CompressionStrategy.NONE; // would buffer SSE events
      cfg.startup.showJavalinBanner = false;
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrorHandler(errors, json)));
      cfg.jetty.modifyServletContextHandler(handler -> {
        // Javalin's WebSocket upgrade reads the servlet session, which creates one for every
        // attempt, authenticated or not. Portcullis keeps no server-side sessions: they are
        // neither cached nor sent as a JSESSIONID cookie, so a flood of upgrades holds no memory.
        SessionHandler sessions = handler.getSessionHandler();
        if (sessions != null) {
          sessions.setUsingCookies(false);
          NullSessionCache cache = new NullSessionCache(sessions);
          cache.setSessionDataStore(new NullSessionDataStore());
          sessions.setSessionCache(cache);
        }
      });
      cfg.jetty.modifyWebSocketServletFactory(factory -> {
        // The socket enforces ws-max-frame-bytes itself, closing with 4008 and a reason; Jetty's
        // own bound (1009, message too big) is set above it so that it only stops the absurd.
        factory.setMaxTextMessageSize(Math.max(64L * 1024, 4L * config.socketLimits().maxFrameBytes()));
        // The socket closes an idle client with 4008 after ws-idle-timeout-ms; Jetty's own idle
        // timeout (1001, default 30 s) must not end a quiet client sooner.
        factory.setIdleTimeout(config.socketLimits().idleTimeout().plusSeconds(30));
      });
      cfg.jetty.modifyHttpConfiguration(http -> {
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        // No per-connection cache of header lines. Jetty matches each incoming line, value
        // included, against the lines the connection sent before: for a bearer credential that
        // is a walk of the whole token through a trie on every request, about 6% of the CPU of
        // GET /v1/me in a JFR profile. The cache matches case-insensitively by default, so a
        // credential differing from an earlier one only in case would be read as that earlier
        // one, which behind a proxy pooling connections may be another user's.
        http.setHeaderCacheSize(0);
      });
      errors.install(cfg);
      CrossOrigin crossOrigin = new CrossOrigin(origin, config.allowedOrigins(), store.clientTokens(), clock);
      crossOrigin.install(cfg);
      cfg.requestLogger.http((ctx, ms) -> {
        String route = ctx.endpoints().list().isEmpty() ? "unmatched" : ctx.endpoint().path;
        String method = ctx.method().name();
        int status = ctx.status().getCode();
        // Registering looks the meter up by its tags; remembering it per key skips that work.
        timers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Timer.builder("http.server.requests")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .register(metrics))
            .record((long) (ms * 1_000_000), java.util.concurrent.TimeUnit.NANOSECONDS);
        // The path only: query strings may carry tokens and are never logged.
        LOG.debug("{} {} {} {}ms {}", ctx.method(), ctx.path(), ctx.status().getCode(), ms,
            ErrorRenderer.requestId(ctx));
      });

      Routes routes = new Routes(cfg, gate);
      new OpsRoutes(store, metrics, respond).register(routes);
      new ProjectRoutes(store.projects(), apiKeys, respond, audit).register(routes);
      new AgentRoutes(store.agents(), models, respond).register(routes);
      ThreadRoutes threadRoutes = new ThreadRoutes(store, runs, events, respond);
      threadRoutes.register(routes);
      new IdentityRoutes(workspaceTokens, revocations, signingKeys, tickets, origin, respond, audit).register(routes);
      new AuditRoutes(store.audit(), respond).register(routes);
      new AuthzRoutes(authenticators, authorizer, authzResources, store, respond).register(routes);
      new AuthRuleRoutes(authRules, exchange, respond, audit).register(routes);
      new ClientTokenRoutes(clientTokens, respond, audit).register(routes);
      if (demo) {
        new DemoRoutes(store.projects(), workspaceTokens, revocations, origin, respond).register(routes);
      }
      new WebSocketRoutes(gate, crossOrigin, store.threads(), threadRoutes, events, config.socketLimits(), socketWatch, json, clock)
          .register(routes);
    });
    Routes.requireEveryRouteMapped(app.unsafe.internalRouter.allHttpHandlers(),
        app.unsafe.internalRouter.allWsHandlers());
  }

  /**
   * Loads the plugins, opens the store named by {@code config}, migrates it, and starts listening.
   *
   * @throws dev.portcullis.server.config.ConfigException when a plugin or the policy file cannot
   *     be loaded, before the store is touched
   */
  public static PortcullisServer start(ServerConfig config, Map<String, String> env) {
    return start(config, env, false);
  }

  /**
   * As {@link #start(ServerConfig, Map)}, with the demo chat of {@code ./portcullis demo} at
   * {@code /demo/} and its stand-in backend, when {@code demo}.
   */
  public static PortcullisServer start(ServerConfig config, Map<String, String> env, boolean demo) {
    PluginDirectory plugins = config.pluginsDir().map(PluginDirectory::open).orElseGet(PluginDirectory::none);
    Authorizer authorizer;
    Store store;
    try {
      authorizer = authorizer(config, plugins);
      store = config.db()
          .<Store>map(url -> JdbcStore.postgres(url, Clock.systemUTC()))
          .orElseGet(() -> JdbcStore.sqlite(config.dataDir(), Clock.systemUTC()));
    } catch (RuntimeException e) {
      plugins.close();
      throw e;
    }
    try {
      PortcullisServer server = new PortcullisServer(config, store, plugins, authorizer, env, demo);
      server.app.start(config.host(), config.port());
      server.publicUrl.compareAndSet(null, "http://" + urlHost(config.host()) + ":" + server.app.port());
      return server;
    } catch (RuntimeException e) {
      store.close();
      plugins.close();
      throw e;
    }
  }

  /**
   * The one authorization engine: the credentials' limits, then the policy's rules and the
   * plugins' handlers.
   *
   * @throws ConfigException when the policy file does not load or a handler names an unknown
   *     resource or action
   */
  private static Authorizer authorizer(ServerConfig config, PluginDirectory plugins) {
    Policy policy = policy(config);
    try {
      return new PolicyAuthorizer(new CredentialLimitsAuthorizer(), policy, plugins.authorizationHandlers());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("plugin " + e.getMessage());
    }
  }

  /**
   * The policy file's rules, else the built-in rule set.
   *
   * @throws ConfigException naming the file, line and reason when the file does not load
   */
  private static Policy policy(ServerConfig config) {
    try {
      return config.policyFile().map(Policy::load).orElseGet(Policy::builtIn);
    } catch (PolicyException e) {
      throw new ConfigException("policy " + e.getMessage());
    }
  }

  private static String urlHost(String host) {
    return host.equals("0.0.0.0") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
  }

  /** The URL this server is known by: {@code --public-url}, else the address it listens on. */
  public String publicUrl() {
    return publicUrl.get();
  }

  public int port() {
    return app.port();
  }

  public Store store() {
    return store;
  }

  /** The admin key this start generated, present only on the very first start. */
  public Optional<String> generatedAdminKey() {
    return generatedAdminKey;
  }

  /** Server API keys, for seeding a demo project without going through HTTP. */
  public ApiKeys apiKeys() {
    return apiKeys;
  }

  /** The audit log, so that tests can wait for queued events. */
  AuditLog audit() {
    return audit;
  }

  /** Every route with its (resource, action). */
  public List<String> routeTable() {
    return Routes.describe(app.unsafe.internalRouter.allHttpHandlers());
  }

  @Override
  public void close() {
    app.stop();
    socketWatch.close();
    revocations.close();
    background.shutdownNow();
    audit.close(); // writes what is queued before the store closes
    store.close();
    plugins.close();
  }
}

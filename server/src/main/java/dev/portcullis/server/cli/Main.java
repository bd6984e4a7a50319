package dev.portcullis.server.cli;

import dev.portcullis.core.policy.Policy;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.http.PortcullisServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code portcullis} command (API.md section 10). */
@Command(name = "portcullis", mixinStandardHelpOptions = true, version = "portcullis 0.1.0",
    description = "Authentication and authorization server for AI-agent backends.",
    subcommands = {Main.Serve.class, Main.Demo.class, Main.AdminKey.class, Main.PolicyCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        cmd.getErr().println("portcullis: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    System.exit(cli.execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The options shared by serve and demo; null means "not given on the command line". */
  static class ServerOptions {
    @Option(names = "--port", description = "TCP port (default 8080; 0 picks a free one)") String port;
    @Option(names = "--host", description = "address to listen on (default 127.0.0.1)") String host;
    @Option(names = "--data", description = "data directory for SQLite and admin.key (default ./data)") String data;
    @Option(names = "--db", description = "postgresql://user@host:5432/db; unset for embedded SQLite") String db;
    @Option(names = "--public-url", description = "the URL clients reach this server at") String publicUrl;
    @Option(names = "--allowed-origins", description = "browser origins allowed besides the public one") String allowedOrigins;
    @Option(names = "--echo-delay-ms", description = "pause between the echo model's words") String echoDelayMs;
    @Option(names = "--max-body-bytes", description = "largest request body (default 1 MiB)") String maxBodyBytes;
    @Option(names = "--openai-base-url", description = "OpenAI-compatible endpoint for openai:<model> agents") String openAiBaseUrl;
    @Option(names = "--plugins", paramLabel = "DIR",
        description = "directory of plugin jars (authenticators, authorization handlers), loaded with ServiceLoader") String plugins;
    @Option(names = "--policy", paramLabel = "FILE",
        description = "YAML authorization rules replacing the built-in rule set (see: portcullis policy default)") String policy;
    @Option(names = "--client-token-max-ttl-seconds", description = "longest client token lifetime (default 30 days)")
    String clientTokenMaxTtlSeconds;
    @Option(names = "--ws-max-frame-bytes", description = "largest WebSocket frame (default 64 KiB)") String wsMaxFrameBytes;
    @Option(names = "--ws-frames-per-second", description = "WebSocket frames per second per socket (default 20)")
    String wsFramesPerSecond;
    @Option(names = "--ws-frame-burst", description = "WebSocket frames allowed in a burst (default 40)") String wsFrameBurst;
    @Option(names = "--ws-idle-timeout-ms", description = "close a silent WebSocket after this (default 60000)")
    String wsIdleTimeoutMs;
    @Option(names = "--ws-max-sockets-per-principal", description = "WebSockets one principal may hold (default 20)")
    String wsMaxSocketsPerPrincipal;
    @Option(names = "--config", description = "YAML file of configuration keys") Path config;

    ServerConfig load(Map<String, String> extraDefaults) {
      Map<String, String> flags = new HashMap<>(extraDefaults);
      put(flags, "port", port);
      put(flags, "host", host);
      put(flags, "data", data);
      put(flags, "db", db);
      put(flags, "public-url", publicUrl);
      put(flags, "allowed-origins", allowedOrigins);
      put(flags, "echo-delay-ms", echoDelayMs);
      put(flags, "max-body-bytes", maxBodyBytes);
      put(flags, "openai-base-url", openAiBaseUrl);
      put(flags, "plugins", plugins);
      put(flags, "policy", policy);
      put(flags, "client-token-max-ttl-seconds", clientTokenMaxTtlSeconds);
      put(flags, "ws-max-frame-bytes", wsMaxFrameBytes);
      put(flags, "ws-frames-per-second", wsFramesPerSecond);
      put(flags, "ws-frame-burst", wsFrameBurst);
      put(flags, "ws-idle-timeout-ms", wsIdleTimeoutMs);
      put(flags, "ws-max-sockets-per-principal", wsMaxSocketsPerPrincipal);
      return ConfigLoader.load(flags, System.getenv(), Optional.ofNullable(config));
    }

    private static void put(Map<String, String> flags, String key, String value) {
      if (value != null) {
        flags.put(key, value);
      }
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server.")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Mixin ServerOptions options = new ServerOptions();

    @Override
    public Integer call() throws InterruptedException {
      ServerConfig config = options.load(Map.of());
      PortcullisServer server = PortcullisServer.start(config, System.getenv());
      announce(server, config);
      awaitShutdown(server);
      return 0;
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Run the server with a demo project, an echo agent and printed keys.")
  static final class Demo implements Callable<Integer> {
    @CommandLine.Mixin ServerOptions options = new ServerOptions();

    @Override
    public Integer call() throws InterruptedException {
      ServerConfig config = options.load(Map.of("echo-delay-ms", System.getenv()
          .getOrDefault("PORTCULLIS_ECHO_DELAY_MS", "60")));
      PortcullisServer server = PortcullisServer.start(config, System.getenv(), true);
      announce(server, config);
      DemoSeed.seed(server, "http://" + displayHost(config) + ":" + server.port()).print(System.out);
      awaitShutdown(server);
      return 0;
    }
  }

  @Command(name = "admin-key", mixinStandardHelpOptions = true,
      description = "Print a new admin key to put in PORTCULLIS_ADMIN_KEY.")
  static final class AdminKey implements Runnable {
    @Override
    public void run() {
      System.out.println(OpaqueSecrets.mint(SecretKind.ADMIN_KEY).value());
    }
  }

  @Command(name = "policy", mixinStandardHelpOptions = true, description = "Authorization policy files.",
      subcommands = {PolicyCommand.Default.class})
  static final class PolicyCommand implements Runnable {
    @Override
    public void run() {
      new CommandLine(this).usage(System.out);
    }

    @Command(name = "default", mixinStandardHelpOptions = true,
        description = "Print the built-in rule set as a policy file to start from (--policy FILE replaces it).")
    static final class Default implements Runnable {
      @Override
      public void run() {
        System.out.print(Policy.builtInSource());
      }
    }
  }

  private static void announce(PortcullisServer server, ServerConfig config) {
    String url = "http://" + displayHost(config) + ":" + server.port();
    System.out.println("Portcullis listening on " + url + " ("
        + (config.db().isPresent() ? "PostgreSQL" : "SQLite in " + config.dataDir().resolve("portcullis.db")) + ")");
    server.generatedAdminKey().ifPresent(key -> {
      System.out.println("Admin key (shown once; also saved to " + config.dataDir().resolve("admin.key") + "):");
      System.out.println("  " + key);
    });
    System.out.flush();
  }

  static String displayHost(ServerConfig config) {
    return config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
  }

  private static void awaitShutdown(PortcullisServer server) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "portcullis-shutdown"));
    stopped.await();
  }
}

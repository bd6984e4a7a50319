package dev.portcullis.plugins.entitlements;

import dev.portcullis.spi.AuthorizationContext;
import dev.portcullis.spi.AuthorizationHandler;
import dev.portcullis.spi.AuthorizationOutcome;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Which agents a workspace may chat with, as a product's plans decide it: a rule that needs data
 * from outside Portcullis, which is what a Java handler is for. The entitlements are read once
 * at start from the file named by the system property {@value #FILE_PROPERTY} or, when that is
 * unset, the environment variable {@value #FILE_ENV} (format in {@link EntitlementsFile}).
 *
 * <p>It sits at the {@code threads} level, beside the built-in {@code threads-are-private} rule,
 * so both apply: owners are still stamped and filtered by that rule, and this handler only adds
 * a refusal. For a workspace principal (workspace token, identity-provider token, custom
 * authenticator) it
 * <ul>
 *   <li>denies creating a thread ({@code threads.create}, whose resource is the request body) or
 *       starting a run ({@code threads.create_run}, whose resource is the stored thread) on an
 *       agent the workspace is not entitled to, with {@code 403 forbidden};</li>
 *   <li>allows those on an entitled agent without adding a filter or metadata;</li>
 *   <li>passes on everything else: reading, searching, changing and deleting threads, and every
 *       request of a principal without a workspace (server and admin keys).</li>
 * </ul>
 * A handler at {@code threads.create} instead would replace the built-in rule for creates, and
 * would have to stamp the owner itself. Thread-safe and immutable after construction.
 */
public final class AgentEntitlementsHandler implements AuthorizationHandler {

  /** The environment variable naming the entitlements file. */
  public static final String FILE_ENV = "PORTCULLIS_EXAMPLE_ENTITLEMENTS";
  /** The system property naming the entitlements file; wins over {@value #FILE_ENV}. */
  public static final String FILE_PROPERTY = "portcullis.example.entitlements";
  /** The rule name reported by explain and the audit log. */
  public static final String NAME = "example-agent-entitlements";

  private static final Set<String> CHECKED_ACTIONS = Set.of("create", "create_run");

  private final EntitlementsFile entitlements;

  /**
   * Reads the file named by {@value #FILE_PROPERTY} or {@value #FILE_ENV}; called by
   * {@link java.util.ServiceLoader} when the server starts.
   *
   * @throws IllegalStateException when neither names a file
   * @throws IllegalArgumentException when the file cannot be read or a line is malformed (the
   *     message names the file and the line)
   */
  public AgentEntitlementsHandler() {
    this(configuredFile(System.getProperty(FILE_PROPERTY), System.getenv(FILE_ENV)));
  }

  /** Reads {@code file}; throws as {@link #AgentEntitlementsHandler()} does. */
  public AgentEntitlementsHandler(Path file) {
    this.entitlements = EntitlementsFile.read(file);
  }

  static Path configuredFile(String property, String env) {
    String name = property != null && !property.isBlank() ? property : env;
    if (name == null || name.isBlank()) {
      throw new IllegalStateException(FILE_ENV + " (or -D" + FILE_PROPERTY + ") must name the entitlements file, "
          + "whose lines read <workspace id>=<agent id>,<agent id>...");
    }
    return Path.of(name.strip());
  }

  @Override
  public String on() {
    return "threads";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AuthorizationOutcome authorize(AuthorizationContext context) {
    Optional<String> workspace = context.principal().workspaceId();
    if (workspace.isEmpty() || !CHECKED_ACTIONS.contains(context.action())) {
      return AuthorizationOutcome.pass();
    }
    if (!(context.attributes().get("agent_id") instanceof String agent)) {
      // A create without an agent id is refused by the route itself with 400.
      return AuthorizationOutcome.pass();
    }
    return entitlements.allows(workspace.get(), agent)
        ? AuthorizationOutcome.allow()
        : AuthorizationOutcome.deny("Your plan does not include agent " + agent + ".");
  }
}

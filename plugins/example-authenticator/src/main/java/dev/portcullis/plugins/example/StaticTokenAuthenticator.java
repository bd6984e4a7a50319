package dev.portcullis.plugins.example;

import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.nio.file.Path;
import java.util.Optional;

/**
 * LangGraph's {@code VALID_TOKENS} authenticator as a Portcullis plugin: a fixed set of bearer
 * tokens, each standing for one user of one project, read once at start from the file named by
 * the system property {@value #FILE_PROPERTY} or, when that is unset, the environment variable
 * {@value #FILE_ENV} (format in {@link TokenFile}).
 *
 * <p>Its tokens end in {@value #SUFFIX} ({@code user1-token}). A token travels as
 * {@code Authorization: Bearer <token>} or in the plugin's own header {@value #HEADER}. This
 * authenticator
 * <ul>
 *   <li>abstains on requests without its header whose bearer credential is not of its format
 *       (Portcullis keys {@code pc_…}, JWTs {@code eyJ…}, other plugins' tokens), so the rest of
 *       the chain can take them;</li>
 *   <li>rejects ({@code 401 invalid_token}, "Invalid token") a token of its format, or anything in
 *       its header, that the file does not hold, and a request that carries both its header and
 *       another bearer credential;</li>
 *   <li>authenticates a known token as a {@link Principal.Kind#CUSTOM} principal whose identity
 *       and workspace are the user and whose project is the file's, so that Portcullis's built-in
 *       workspace rules apply: each user sees only the threads it created and may read and run,
 *       but not change, the project's agents.</li>
 * </ul>
 * The principal's {@code credentialId} is a SHA-256 digest of the token, never the token; only
 * digests are kept in memory. Thread-safe and immutable after construction. Static tokens
 * never expire: this is an example to start a real plugin from, not a credential to ship.
 */
public final class StaticTokenAuthenticator implements Authenticator {

  /** The environment variable naming the tokens file. */
  public static final String FILE_ENV = "PORTCULLIS_EXAMPLE_TOKENS";
  /** The system property naming the tokens file; wins over {@value #FILE_ENV}. */
  public static final String FILE_PROPERTY = "portcullis.example.tokens";
  /** The header that may carry a token instead of {@code Authorization}. */
  public static final String HEADER = "X-Example-Token";
  /** How every token of this plugin ends. */
  public static final String SUFFIX = "-token";

  private static final AuthnResult INVALID = new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "Invalid token");

  private final TokenFile tokens;

  /**
   * Reads the file named by {@value #FILE_PROPERTY} or {@value #FILE_ENV}; called by
   * {@link java.util.ServiceLoader} when the server starts.
   *
   * @throws IllegalStateException when neither names a file
   * @throws IllegalArgumentException when the file cannot be read or a line is malformed (the
   *     message names the file and the line, never a token)
   */
  public StaticTokenAuthenticator() {
    this(configuredFile(System.getProperty(FILE_PROPERTY), System.getenv(FILE_ENV)));
  }

  /** Reads {@code file}; throws as {@link #StaticTokenAuthenticator()} does. */
  public StaticTokenAuthenticator(Path file) {
    this.tokens = TokenFile.read(file);
  }

  static Path configuredFile(String property, String env) {
    String name = property != null && !property.isBlank() ? property : env;
    if (name == null || name.isBlank()) {
      throw new IllegalStateException(FILE_ENV + " (or -D" + FILE_PROPERTY + ") must name the tokens file, "
          + "whose lines read <name>" + SUFFIX + "=<user>,<project id>");
    }
    return Path.of(name.strip());
  }

  @Override
  public AuthnResult authenticate(AuthnRequest request) {
    Optional<Credential> bearer = request.credential()
        // The session cookie is ignored beside an explicit credential, as API.md section 2 says.
        .filter(c -> c.source() != Credential.Source.COOKIE);
    Optional<String> header = request.header(HEADER);
    if (header.isPresent()) {
      if (bearer.isPresent()) {
        return new AuthnResult.Rejected(AuthnResult.Reason.INVALID,
            "Send one credential: Authorization: Bearer or " + HEADER + ", not both.");
      }
      return check(header.get().strip());
    }
    if (request.credential().isEmpty()) {
      return AuthnResult.abstain();
    }
    String token = request.credential().get().value();
    return isOfThisFormat(token) ? check(token) : AuthnResult.abstain();
  }

  /** Whether {@code token} looks like one of this plugin's, without looking it up. */
  static boolean isOfThisFormat(String token) {
    return token.endsWith(SUFFIX) && token.length() > SUFFIX.length()
        && !token.startsWith("pc_") && !token.startsWith("eyJ");
  }

  private AuthnResult check(String token) {
    return tokens.principalOf(token).<AuthnResult>map(AuthnResult.Authenticated::new).orElse(INVALID);
  }
}

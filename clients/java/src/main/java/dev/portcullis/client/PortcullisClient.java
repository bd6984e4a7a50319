package dev.portcullis.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A client of one Portcullis server for an integrator's backend: agents, client tokens,
 * workspace tokens and auth rules, with a server API key ({@code pc_sk_...}) of one project.
 * <pre>{@code
 * PortcullisClient portcullis = PortcullisClient.builder()
 *     .baseUrl(URI.create("https://auth.example.com"))
 *     .credential(System.getenv("PORTCULLIS_SERVER_KEY"))
 *     .build();
 * MintedWorkspaceToken token = portcullis.mintWorkspaceToken("user_42");
 * }</pre>
 *
 * <p>Every call is one blocking HTTP request; none is retried. A call the API refuses throws
 * {@link PortcullisApiException} with the API's status, code and request id; a call that gets
 * no answer of the API (network failure, timeout, interruption, a proxy's error page) throws
 * {@link PortcullisClientException} with the cause. Neither ever holds the credential or a
 * token. Methods throw {@link NullPointerException} for {@code null} arguments.
 *
 * <p>Thread-safe and cheap to share: make one per server and credential.
 */
public final class PortcullisClient {

  /** Where the {@code listAll} methods start: pages of the API's largest size, for the fewest requests. */
  private static final PageRequest LIST_ALL_FROM = PageRequest.first(PageRequest.MAX_LIMIT);

  private final Transport transport;

  private PortcullisClient(Transport transport) {
    this.transport = transport;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Who the credential is ({@code GET /v1/me}). Any valid credential may call it. */
  public Principal me() {
    return get("/v1/me", Wire::principal);
  }

  // Agents (API.md section 4).

  /** Creates an agent; answers it as stored, with its {@code agt_} id. */
  public Agent createAgent(NewAgent agent) {
    return post("/v1/agents", Wire.newAgent(agent), Wire::agent);
  }

  /** One page of the project's agents, oldest first. */
  public Page<Agent> listAgents(PageRequest page) {
    return get("/v1/agents" + query(page), n -> Wire.page(n, Wire::agent));
  }

  /**
   * Every agent of the project, oldest first, fetched a page at a time as the stream is
   * consumed; a failing page fetch throws from the stream's terminal operation.
   */
  public Stream<Agent> listAllAgents() {
    return all(this::listAgents);
  }

  /** @throws PortcullisApiException {@code 404 not_found} when the project has no such agent */
  public Agent getAgent(String id) {
    return get("/v1/agents/" + segment(id), Wire::agent);
  }

  /**
   * Changes the given fields and keeps the others; answers the agent as changed.
   *
   * @throws PortcullisApiException {@code 404 not_found} when the project has no such agent
   */
  public Agent updateAgent(String id, AgentChanges changes) {
    return transport.call("PATCH", "/v1/agents/" + segment(id), Optional.of(Wire.agentChanges(changes)), Wire::agent);
  }

  /** @throws PortcullisApiException {@code 404 not_found} when the project has no such agent */
  public void deleteAgent(String id) {
    delete("/v1/agents/" + segment(id));
  }

  // Client tokens (API.md section 5).

  /** Mints a client token with {@code policy} and the server's default lifetime (5 minutes). */
  public MintedClientToken mintClientToken(List<Grant> policy) {
    return mintClientToken(policy, Optional.empty(), Optional.empty());
  }

  /**
   * Mints a client token: a credential for a browser or device that may do only what
   * {@code policy} grants.
   *
   * @param hostname the only origin ({@code scheme://host[:port]}) requests may come from; any when empty
   * @param expiresAt when it stops working; now + 5 minutes when empty
   * @throws PortcullisApiException {@code 400 invalid_request} naming the bad entry (such as
   *     {@code policy[1]}) for a grant whose agent or thread is missing or another project's, or
   *     an {@code expires_at} past or too far ahead
   */
  public MintedClientToken mintClientToken(List<Grant> policy, Optional<String> hostname, Optional<Instant> expiresAt) {
    return post("/v1/client-tokens", Wire.clientTokenRequest(policy, hostname, expiresAt), Wire::mintedClientToken);
  }

  /** One page of the project's live client tokens (neither revoked nor expired), oldest first; never their values. */
  public Page<ClientToken> listClientTokens(PageRequest page) {
    return get("/v1/client-tokens" + query(page), n -> Wire.page(n, Wire::clientToken));
  }

  /** Every live client token of the project, fetched as {@link #listAllAgents()} fetches. */
  public Stream<ClientToken> listAllClientTokens() {
    return all(this::listClientTokens);
  }

  /**
   * Revokes the client token {@code id} ({@code ctk_...}); it is refused with
   * {@code 401 token_revoked} from then on.
   *
   * @throws PortcullisApiException {@code 404 not_found} when the project has no unrevoked token of that id
   */
  public void revokeClientToken(String id) {
    delete("/v1/client-tokens/" + segment(id));
  }

  /**
   * Revokes the client token whose value is {@code token}, sent in the body so that it never
   * appears in a URL or an access log.
   *
   * @throws PortcullisApiException {@code 400 invalid_request} for a value that is no client token,
   *     {@code 404 not_found} when the project has no unrevoked token of that value
   */
  public void revokeClientTokenByValue(String token) {
    transport.callForNoContent("POST", "/v1/client-tokens/revoke", Optional.of(Wire.object("token", token)));
  }

  // Workspace tokens (API.md section 6).

  /** Mints a workspace token for {@code workspaceId} with the server's default lifetime (300 s). */
  public MintedWorkspaceToken mintWorkspaceToken(String workspaceId) {
    return mintWorkspaceToken(workspaceId, Optional.empty(), Optional.empty(), Map.of());
  }

  /**
   * Mints a workspace token: a JWT for one end user, who sees only what their workspace created.
   *
   * @param workspaceId whatever the integrator chooses, such as a user id or {@code project:user}
   * @param userId the token's {@code sub}; {@code workspaceId} when empty
   * @param ttl whole seconds, 1 s to 1 h; 300 s when empty
   * @param claims extra claims (at most 4 KiB of JSON); no registered or {@code pc_*} claims
   * @throws IllegalArgumentException when {@code ttl} is not a whole number of seconds
   * @throws PortcullisApiException {@code 400 invalid_request} for a lifetime out of range or a refused claim
   */
  public MintedWorkspaceToken mintWorkspaceToken(String workspaceId, Optional<String> userId, Optional<Duration> ttl,
      Map<String, ?> claims) {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Optional<Long> seconds = ttl.map(t -> {
      if (t.getNano() != 0) {
        // Rounding would give a lifetime other than the one asked for.
        throw new IllegalArgumentException("ttl must be whole seconds, not " + t);
      }
      return t.toSeconds();
    });
    return post("/v1/workspace-tokens", Wire.workspaceTokenRequest(workspaceId, userId, seconds, claims),
        Wire::mintedWorkspaceToken);
  }

  /** Revokes one workspace token by its {@link MintedWorkspaceToken#jti()}: {@code 401 token_revoked} from then on. */
  public void revokeWorkspaceToken(String jti) {
    transport.callForNoContent("POST", "/v1/workspace-tokens/revoke", Optional.of(Wire.object("jti", jti)));
  }

  /**
   * Revokes every token of {@code workspaceId} issued until now, such as when a user signs out
   * everywhere. Tokens minted from the next second on work; one minted in the same second is
   * refused too, as a JWT's {@code iat} counts whole seconds.
   */
  public void revokeWorkspace(String workspaceId) {
    transport.callForNoContent("POST", "/v1/workspace-tokens/revoke",
        Optional.of(Wire.object("workspace_id", workspaceId)));
  }

  // Auth rules: identity providers (API.md section 6).

  /**
   * Trusts an identity provider. The server does not fetch its JWKS now.
   *
   * @throws PortcullisApiException {@code 400 invalid_request} naming the first bad field
   */
  public AuthRule createAuthRule(NewAuthRule rule) {
    return post("/v1/auth-rules", Wire.newAuthRule(rule), Wire::authRule);
  }

  /** One page of the project's auth rules, oldest first. */
  public Page<AuthRule> listAuthRules(PageRequest page) {
    return get("/v1/auth-rules" + query(page), n -> Wire.page(n, Wire::authRule));
  }

  /** Every auth rule of the project, fetched as {@link #listAllAgents()} fetches. */
  public Stream<AuthRule> listAllAuthRules() {
    return all(this::listAuthRules);
  }

  /**
   * The project's auth rule {@code id}, when it has one. The API has no request for one rule,
   * so this reads the project's rules a page at a time until it meets it.
   */
  public Optional<AuthRule> findAuthRule(String id) {
    Objects.requireNonNull(id, "id");
    return listAllAuthRules().filter(r -> r.id().equals(id)).findFirst();
  }

  /**
   * Stops trusting the provider: tokens it accepted stop working at once.
   *
   * @throws PortcullisApiException {@code 404 not_found} when the project has no such rule
   */
  public void deleteAuthRule(String id) {
    delete("/v1/auth-rules/" + segment(id));
  }

  /** Names the server, never the credential. */
  @Override
  public String toString() {
    return "PortcullisClient[" + transport.baseUrl() + "]";
  }

  // Plumbing.

  private <T> T get(String path, Function<JsonNode, T> decode) {
    return transport.call("GET", path, Optional.empty(), decode);
  }

  private <T> T post(String path, JsonNode body, Function<JsonNode, T> decode) {
    return transport.call("POST", path, Optional.of(body), decode);
  }

  private void delete(String path) {
    transport.callForNoContent("DELETE", path, Optional.empty());
  }

  private static String query(PageRequest page) {
    return "?limit=" + page.limit() + page.after().map(a -> "&after=" + component(a)).orElse("");
  }

  /**
   * An id as one path segment. Ids come from callers, who may pass through what their own users
   * typed: escaped, {@code ../} or {@code ?} cannot reach another route.
   */
  static String segment(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty() || id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException("\"" + id + "\" is not an id");
    }
    return component(id);
  }

  /** Percent-encodes everything but RFC 3986's unreserved characters. */
  private static String component(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Every item of a paginated list, each page fetched when the previous one is used up. */
  private static <T> Stream<T> all(Function<PageRequest, Page<T>> fetch) {
    Iterator<T> items = new Iterator<>() {
      private Optional<PageRequest> next = Optional.of(LIST_ALL_FROM);
      private Iterator<T> current = List.<T>of().iterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next.isPresent()) {
          PageRequest request = next.get();
          Page<T> page = fetch.apply(request);
          // A cursor that does not move would loop forever: a server bug, reported as one.
          if (page.nextCursor().isPresent() && page.nextCursor().equals(request.after())) {
            throw new PortcullisClientException("the list answered the cursor " + request.after().get()
                + " with itself as the next cursor");
          }
          next = page.nextCursor().map(request::next);
          current = page.data().iterator();
        }
        return current.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /**
   * Configures a {@link PortcullisClient}. {@link #baseUrl(URI)} and {@link #credential(String)}
   * are required. Not thread-safe.
   */
  public static final class Builder {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private URI baseUrl;
    private String credential;
    private Optional<HttpClient> http = Optional.empty();
    private Duration requestTimeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /**
     * The server's base URL, such as {@code https://auth.example.com}; a path, such as
     * {@code https://example.com/portcullis}, is kept in front of every request's.
     *
     * @throws IllegalArgumentException when it is not an absolute http(s) URL without user
     *     information, query or fragment
     */
    public Builder baseUrl(URI baseUrl) {
      String scheme = Objects.requireNonNull(baseUrl, "baseUrl").getScheme();
      if (scheme == null || !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")
          || baseUrl.getHost() == null) {
        throw new IllegalArgumentException("baseUrl must be an http or https URL with a host, not " + baseUrl);
      }
      // User information would be a second credential, and would show in every error message.
      if (baseUrl.getRawUserInfo() != null) {
        throw new IllegalArgumentException("baseUrl must not carry user information (a name or secret)");
      }
      if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
        throw new IllegalArgumentException("baseUrl must have no query or fragment: " + baseUrl);
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * The credential sent as {@code Authorization: Bearer} on every request: a server API key
     * ({@code pc_sk_...}) for everything this client does; any credential for {@link #me()},
     * and a client or workspace token for what its grants allow.
     *
     * @throws IllegalArgumentException when it is blank or holds white space or control characters
     */
    public Builder credential(String credential) {
      Objects.requireNonNull(credential, "credential");
      // A line break would end the header early; keep the message free of the value.
      if (credential.isBlank() || credential.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        throw new IllegalArgumentException("credential must be a non-blank token without white space");
      }
      this.credential = credential;
      return this;
    }

    /**
     * The HTTP client to send with, for a proxy, TLS settings or an executor of your own;
     * by default one with a 10 s connect timeout.
     */
    public Builder httpClient(HttpClient http) {
      this.http = Optional.of(Objects.requireNonNull(http, "http"));
      return this;
    }

    /** How long one request may take, from sending to the answer's end; 30 s by default. */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, not " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** @throws IllegalStateException when the base URL or the credential is missing */
    public PortcullisClient build() {
      if (baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      if (credential == null) {
        throw new IllegalStateException("credential is required");
      }
      String base = baseUrl.toString().replaceAll("/+$", "");
      HttpClient client = http.orElseGet(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
      return new PortcullisClient(new Transport(client, base, credential, requestTimeout));
    }
  }
}

package dev.portcullis.core.authrule;

import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.AuthRuleStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Creates, lists and deletes a project's auth rules (API.md section 6), checking every field
 * first. Thread-safe.
 */
public final class AuthRules {

  static final int MAX_NAME_LENGTH = 200;
  static final int MAX_VALUE_LENGTH = 1000;
  static final int MAX_URI_LENGTH = 2000;

  private final AuthRuleStore store;
  private final Consumer<String> onDelete;
  private final Clock clock;

  /**
   * @param onDelete told the id of every deleted rule, so that tokens it accepted stop being
   *     accepted at once on this server (verified tokens are cached)
   */
  public AuthRules(AuthRuleStore store, Consumer<String> onDelete, Clock clock) {
    this.store = store;
    this.onDelete = onDelete;
    this.clock = clock;
  }

  /**
   * What a client asks for; absent optional fields take the defaults of {@link AuthRule}.
   *
   * @param algorithms empty for the default
   */
  public record Draft(String name, String issuer, String jwksUri, String audience,
      Optional<String> workspaceClaim, Optional<List<String>> algorithms) {}

  /** @throws PortcullisException {@code invalid_request} naming the first bad field */
  public AuthRule create(String projectId, Draft draft) {
    AuthRule rule = validate(projectId, draft, ResourceIds.next("rul_"), Instant.ofEpochMilli(clock.millis()));
    store.insert(rule);
    return rule;
  }

  public Page<AuthRule> list(String projectId, PageRequest page) {
    return store.list(projectId, page);
  }

  /** @throws PortcullisException {@code not_found} when the project has no such rule */
  public void delete(String projectId, String id) {
    if (!store.delete(projectId, id)) {
      throw PortcullisException.notFound("Auth rule");
    }
    onDelete.accept(id);
  }

  /** The rule {@code draft} describes, or a 400 naming the first bad field. Pure. */
  static AuthRule validate(String projectId, Draft draft, String id, Instant now) {
    String name = required(draft.name(), "name", MAX_NAME_LENGTH).strip();
    // Compared with iss and aud exactly as written: no stripping.
    String issuer = required(draft.issuer(), "issuer", MAX_VALUE_LENGTH);
    String audience = required(draft.audience(), "audience", MAX_VALUE_LENGTH);
    URI jwksUri = jwksUri(draft.jwksUri());
    String workspaceClaim = draft.workspaceClaim().orElse(AuthRule.DEFAULT_WORKSPACE_CLAIM);
    WorkspaceTemplate.parse(workspaceClaim);
    List<String> algorithms = algorithms(draft.algorithms().orElse(AuthRule.DEFAULT_ALGORITHMS));
    return new AuthRule(id, projectId, name, issuer, jwksUri, audience, workspaceClaim, algorithms, now);
  }

  private static String required(String value, String field, int maxLength) {
    if (value == null || value.isBlank()) {
      throw PortcullisException.invalidRequest(field + " is required.");
    }
    if (value.length() > maxLength) {
      throw PortcullisException.invalidRequest(field + " must be at most " + maxLength + " characters.");
    }
    if (!value.equals(value.strip()) && !field.equals("name")) {
      throw PortcullisException.invalidRequest(field + " must not start or end with white space.");
    }
    return value;
  }

  /** An absolute http(s) URL with a host, without user information or fragment. */
  static URI jwksUri(String value) {
    String hint = "jwks_uri must be an http or https URL, such as https://example.com/.well-known/jwks.json.";
    required(value, "jwks_uri", MAX_URI_LENGTH);
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw PortcullisException.invalidRequest(hint);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw PortcullisException.invalidRequest(hint);
    }
    if (uri.getRawUserInfo() != null) {
      throw PortcullisException.invalidRequest("jwks_uri must not carry user information (a name or password).");
    }
    if (uri.getRawFragment() != null) {
      throw PortcullisException.invalidRequest("jwks_uri must not have a fragment (#...).");
    }
    return uri;
  }

  static List<String> algorithms(List<String> requested) {
    String allowed = "RS256, ES256 and EdDSA";
    if (requested.isEmpty()) {
      throw PortcullisException.invalidRequest("algorithms must name at least one of " + allowed + ".");
    }
    List<String> algorithms = new ArrayList<>();
    for (String algorithm : requested) {
      if (algorithm == null) {
        throw PortcullisException.invalidRequest("algorithms must be strings.");
      }
      if (!AuthRule.SUPPORTED_ALGORITHMS.contains(algorithm)) {
        String why = algorithm.equalsIgnoreCase("none") ? " (unsigned tokens are never accepted)"
            : algorithm.toUpperCase(Locale.ROOT).startsWith("HS")
                ? " (a shared-secret algorithm: a provider's public keys could sign with it)" : "";
        throw PortcullisException.invalidRequest("algorithms may contain only " + allowed + ", not \""
            + algorithm + "\"" + why + ".");
      }
      if (!algorithms.contains(algorithm)) {
        algorithms.add(algorithm);
      }
    }
    return algorithms;
  }
}

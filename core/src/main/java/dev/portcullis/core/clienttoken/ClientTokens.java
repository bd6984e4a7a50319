package dev.portcullis.core.clienttoken;

import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.AgentStore;
import dev.portcullis.core.store.ClientTokenStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.ThreadStore;
import dev.portcullis.core.workspace.Revocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Mints, lists and revokes client-side tokens (API.md section 5). Thread-safe.
 *
 * <p>A revocation is stored on the token and appended to the revocation log, so that this server
 * refuses the token at once and every other server sharing the database within the log's poll
 * interval.
 */
public final class ClientTokens {

  /** The lifetime of a token minted without {@code expires_at}. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
  /** The longest lifetime a token may be minted with unless configured otherwise. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(30);
  /** The most grants one policy may hold: a token is for one user's agents, not a catalogue. */
  public static final int MAX_GRANTS = 100;

  private final ClientTokenStore store;
  private final AgentStore agents;
  private final ThreadStore threads;
  private final Revocations revocations;
  private final ClientTokenAuthenticator authenticator;
  private final Clock clock;
  private final Duration maxTtl;

  public ClientTokens(ClientTokenStore store, AgentStore agents, ThreadStore threads, Revocations revocations,
      ClientTokenAuthenticator authenticator, Clock clock, Duration maxTtl) {
    this.store = store;
    this.agents = agents;
    this.threads = threads;
    this.revocations = revocations;
    this.authenticator = authenticator;
    this.clock = clock;
    this.maxTtl = maxTtl;
  }

  /** One entry of a policy as the caller wrote it, before checking. */
  public record RequestedGrant(String type, String id, List<String> access) {}

  /** A token just minted: the only time its value exists outside the caller's hands. */
  public record Minted(ClientToken token, String value) {
    @Override
    public String toString() {
      return "Minted[token=" + token + ", value=<redacted>]";
    }
  }

  /**
   * Mints a token of {@code projectId}.
   *
   * @param expiresAt RFC 3339; now + {@link #DEFAULT_TTL} when absent
   * @throws PortcullisException {@code invalid_request} naming the bad entry: an empty policy, an
   *     unknown type or access, an agent or thread that is not the project's (one message for
   *     missing and foreign), a bad hostname, an {@code expires_at} unparseable, past or beyond
   *     the maximum lifetime
   */
  public Minted mint(String projectId, List<RequestedGrant> policy, Optional<String> hostname,
      Optional<String> expiresAt) {
    // In the store's precision, so that the mint answers the very times a list or /v1/me shows later.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<ClientGrant> grants = grants(projectId, policy);
    Optional<String> origin;
    try {
      origin = hostname.map(Origins::normalize);
    } catch (IllegalArgumentException e) {
      throw PortcullisException.invalidRequest(e.getMessage());
    }
    Instant expiry = expiresAt.map(text -> expiry(text, now)).orElse(now.plus(DEFAULT_TTL));
    OpaqueSecrets.Minted minted = OpaqueSecrets.mint(SecretKind.CLIENT_TOKEN);
    ClientToken token = new ClientToken(ResourceIds.next("ctk_"), projectId, minted.hash(), grants, origin, expiry,
        now, Optional.empty());
    store.insert(token);
    return new Minted(token, minted.value());
  }

  /** The project's live tokens, oldest first. */
  public Page<ClientToken> list(String projectId, PageRequest page) {
    return store.listLive(projectId, clock.instant(), page);
  }

  /**
   * Revokes the project's token {@code id}.
   *
   * @throws PortcullisException {@code not_found} when the project has no unrevoked token of that id
   */
  public ClientToken revoke(String projectId, String id) {
    ClientToken token = store.find(projectId, id).filter(t -> t.revokedAt().isEmpty())
        .orElseThrow(() -> PortcullisException.notFound("Client token"));
    if (!store.revoke(projectId, id, clock.instant())) {
      throw PortcullisException.notFound("Client token");
    }
    revocations.revokeToken(projectId, id);
    authenticator.forget(id);
    return token;
  }

  /**
   * Revokes the project's token whose value is {@code value}, so that a secret never has to
   * travel in a URL.
   *
   * @throws PortcullisException {@code invalid_request} for a value that is no client token,
   *     {@code not_found} when the project has no unrevoked token of that value
   */
  public ClientToken revokeByValue(String projectId, String value) {
    if (!OpaqueSecrets.isWellFormed(value, SecretKind.CLIENT_TOKEN)) {
      throw PortcullisException.invalidRequest("token must be a client token (pc_ck_...).");
    }
    ClientToken token = store.findByHash(OpaqueSecrets.hash(value))
        .filter(t -> t.projectId().equals(projectId))
        .orElseThrow(() -> PortcullisException.notFound("Client token"));
    return revoke(projectId, token.id());
  }

  /** A policy in the API's form: {@code [{type, id, access: [...]}]} with wire names. */
  public static List<Map<String, Object>> policyView(List<ClientGrant> policy) {
    return policy.stream().<Map<String, Object>>map(g -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("type", g.type().wireName());
      entry.put("id", g.id());
      entry.put("access", g.access().stream().sorted().map(ClientGrant.Access::wireName).toList());
      return entry;
    }).toList();
  }

  private List<ClientGrant> grants(String projectId, List<RequestedGrant> policy) {
    if (policy == null || policy.isEmpty()) {
      throw PortcullisException.invalidRequest("policy must list at least one grant.");
    }
    if (policy.size() > MAX_GRANTS) {
      throw PortcullisException.invalidRequest("policy may list at most " + MAX_GRANTS + " grants.");
    }
    List<ClientGrant> grants = new ArrayList<>();
    for (int i = 0; i < policy.size(); i++) {
      String where = "policy[" + i + "]";
      RequestedGrant requested = policy.get(i);
      if (requested == null) {
        throw PortcullisException.invalidRequest(where + " must be an object {type, id, access}.");
      }
      ClientGrant.Type type = Arrays.stream(ClientGrant.Type.values())
          .filter(t -> t.wireName().equals(requested.type())).findFirst()
          .orElseThrow(() -> PortcullisException.invalidRequest(where + ".type must be agent or thread."));
      if (requested.id() == null || requested.id().isBlank()) {
        throw PortcullisException.invalidRequest(where + ".id is required.");
      }
      if (requested.access() == null || requested.access().isEmpty()) {
        throw PortcullisException.invalidRequest(where + ".access must list at least one access.");
      }
      Set<ClientGrant.Access> access = EnumSet.noneOf(ClientGrant.Access.class);
      for (int j = 0; j < requested.access().size(); j++) {
        String name = requested.access().get(j);
        access.add(type.allowedAccess().stream().filter(a -> a.wireName().equals(name)).findFirst()
            .orElseThrow(() -> PortcullisException.invalidRequest(where + ".access has \"" + name
                + "\", which a " + type.wireName() + " grant cannot hold; expected one of "
                + type.allowedAccess().stream().map(ClientGrant.Access::wireName).collect(Collectors.joining(", "))
                + ".")));
      }
      if (!exists(projectId, type, requested.id())) {
        // One message whether it is missing or another project's: existence is never revealed.
        throw PortcullisException.invalidRequest(where + " names " + (type == ClientGrant.Type.AGENT ? "an agent" : "a thread")
            + " that does not exist in this project.");
      }
      grants.add(new ClientGrant(type, requested.id(), access));
    }
    return grants;
  }

  private boolean exists(String projectId, ClientGrant.Type type, String id) {
    Scope project = Scope.project(projectId);
    return type == ClientGrant.Type.AGENT ? agents.find(project, id).isPresent() : threads.find(project, id).isPresent();
  }

  private Instant expiry(String text, Instant now) {
    Instant at;
    try {
      at = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw PortcullisException.invalidRequest("expires_at must be an RFC 3339 time such as 2030-01-01T00:00:00Z.");
    }
    if (!at.isAfter(now)) {
      throw PortcullisException.invalidRequest("expires_at must be in the future.");
    }
    at = at.truncatedTo(ChronoUnit.MILLIS);
    if (at.isAfter(now.plus(maxTtl))) {
      throw PortcullisException.invalidRequest("expires_at may be at most " + (maxTtl.toSeconds() % 86_400 == 0
          ? maxTtl.toDays() + " days" : maxTtl.toSeconds() + " seconds") + " ahead.");
    }
    return at;
  }
}

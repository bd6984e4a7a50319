package dev.portcullis.core.ticket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.WsTicketStore;
import dev.portcullis.core.store.WsTicketStore.Redemption;
import dev.portcullis.core.store.WsTicketStore.StoredTicket;
import dev.portcullis.core.view.JsonMappers;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Mints and redeems {@code pc_wt_} tickets (API.md section 2). A ticket stores the principal it
 * stands for, never the credential, so any server sharing the database can redeem it once.
 *
 * <p>A connection opened with a ticket outlives the ticket, so it must still end when the
 * credential behind it expires or is revoked. Without the credential that cannot be asked of
 * the authenticators; {@link #lapsed} answers it from the principal instead: its
 * {@code expires_at}, and the revocation log, which every revocation of a client token, server
 * key or workspace token reaches on every server. Admin keys and plugin credentials have no
 * revocation the server could see, so their tickets' connections end at expiry only.
 * Thread-safe.
 */
public final class WsTickets {

  /** How long a ticket may wait for its one use. */
  public static final Duration TTL = Duration.ofSeconds(60);
  /** Used and expired tickets stay this long, so that a late second use is refused as used, not unknown. */
  static final Duration KEPT_AFTER_EXPIRY = Duration.ofHours(1);
  private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final WsTicketStore store;
  private final Revocations revocations;
  private final Clock clock;
  private final AtomicReference<Instant> lastSweep = new AtomicReference<>(Instant.MIN);

  public WsTickets(WsTicketStore store, Revocations revocations, Clock clock) {
    this.store = store;
    this.revocations = revocations;
    this.clock = clock;
  }

  /** A ticket just minted: its value exists only in this answer. */
  public record Minted(String ticket, Instant expiresAt) {
    @Override
    public String toString() {
      return "Minted[ticket=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * A ticket redeemed: the caller it stood for, and when it was minted (a workspace revoked
   * after that instant revokes the connection, as it would revoke the token).
   */
  public record Redeemed(Principal principal, Instant mintedAt) {}

  /** A ticket for {@code principal}, valid for {@link #TTL} or until the credential expires, if sooner. */
  public Minted mint(Principal principal) {
    Instant now = clock.instant();
    sweepNowAndThen(now);
    Instant expiresAt = now.plus(TTL);
    if (principal.expiresAt().isPresent() && principal.expiresAt().get().isBefore(expiresAt)) {
      expiresAt = principal.expiresAt().get();
    }
    OpaqueSecrets.Minted minted = OpaqueSecrets.mint(SecretKind.WS_TICKET);
    store.insert(new StoredTicket(minted.hash(), principal.projectId(), principalJson(principal), now, expiresAt));
    return new Minted(minted.value(), expiresAt);
  }

  /**
   * Uses the ticket {@code value} up and answers who it stands for.
   *
   * @throws PortcullisException {@code invalid_token} for a malformed or unknown ticket,
   *     {@code token_revoked} for one used before, {@code token_expired} for one past its
   *     60 seconds, or the refusal the credential behind it would get now
   */
  public Redeemed redeem(String value) {
    if (!OpaqueSecrets.isWellFormed(value, SecretKind.WS_TICKET)) {
      throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The ticket is malformed.");
    }
    Instant now = clock.instant();
    StoredTicket ticket = switch (store.redeem(OpaqueSecrets.hash(value), now)) {
      case Redemption.Redeemed r -> r.ticket();
      case Redemption.AlreadyUsed u -> throw new PortcullisException(ErrorCode.TOKEN_REVOKED,
          "The ticket has been used; a ticket opens one connection. Ask for a new one.");
      case Redemption.Unknown u -> throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The ticket is not known.");
    };
    if (now.isAfter(ticket.expiresAt())) {
      throw new PortcullisException(ErrorCode.TOKEN_EXPIRED, "The ticket has expired; tickets last 60 seconds.");
    }
    Redeemed redeemed = new Redeemed(principal(ticket.principal()), ticket.createdAt());
    Optional<PortcullisException> lapsed = lapsed(redeemed);
    if (lapsed.isPresent()) {
      throw lapsed.get();
    }
    return redeemed;
  }

  /**
   * Whether the credential behind a redeemed ticket still holds: empty while it does, else the
   * refusal it would get now ({@code token_expired} or {@code token_revoked}).
   */
  public Optional<PortcullisException> lapsed(Redeemed redeemed) {
    Principal p = redeemed.principal();
    if (p.expiresAt().isPresent() && expired(p, p.expiresAt().get(), clock.instant())) {
      return Optional.of(new PortcullisException(ErrorCode.TOKEN_EXPIRED, "The credential behind the ticket has expired."));
    }
    Optional<Revocations.Token> revocable = revocable(redeemed);
    if (revocable.isPresent() && revocations.isRevoked(revocable.get())) {
      return Optional.of(new PortcullisException(ErrorCode.TOKEN_REVOKED, "The credential behind the ticket has been revoked."));
    }
    return Optional.empty();
  }

  /**
   * As each credential's own authenticator judges expiry: the server's JWTs by whole seconds
   * (a token is refused from the second after {@code exp}), opaque credentials to the instant.
   */
  private static boolean expired(Principal p, Instant expiresAt, Instant now) {
    return p.kind() == Principal.Kind.WORKSPACE
        ? now.getEpochSecond() > expiresAt.getEpochSecond()
        : now.isAfter(expiresAt);
  }

  private static Optional<Revocations.Token> revocable(Redeemed redeemed) {
    Principal p = redeemed.principal();
    if (p.projectId().isEmpty()) {
      return Optional.empty();
    }
    String project = p.projectId().get();
    return switch (p.kind()) {
      // The token's own iat is not kept; the ticket was minted after it, so a workspace
      // revocation from the minting on counts, and one before it had refused the minting.
      case WORKSPACE -> Optional.of(Revocations.token(project, p.credentialId(), p.workspaceId().orElseThrow(),
          redeemed.mintedAt().truncatedTo(ChronoUnit.SECONDS)));
      case CLIENT, SERVER -> Optional.of(Revocations.credential(project, p.credentialId()));
      case ADMIN, CUSTOM -> Optional.empty();
    };
  }

  /** Deletes long-expired tickets, at most once a minute: tickets are many and short-lived. */
  private void sweepNowAndThen(Instant now) {
    Instant last = lastSweep.get();
    if (now.isBefore(last.plus(SWEEP_INTERVAL)) || !lastSweep.compareAndSet(last, now)) {
      return;
    }
    store.deleteExpiredBefore(now.minus(KEPT_AFTER_EXPIRY));
  }

  private static String principalJson(Principal p) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", p.kind().name());
    json.put("identity", p.identity());
    json.put("project_id", p.projectId().orElse(null));
    json.put("workspace_id", p.workspaceId().orElse(null));
    json.put("permissions", p.permissions());
    json.put("expires_at", p.expiresAt().map(Instant::toString).orElse(null));
    json.put("credential_id", p.credentialId());
    json.put("claims", p.claims());
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a principal's claims are JSON values", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Principal principal(String stored) {
    Map<String, Object> json;
    try {
      json = JSON.readValue(stored, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored ticket's principal is not JSON", e);
    }
    return new Principal(Principal.Kind.valueOf((String) json.get("kind")), (String) json.get("identity"),
        Optional.ofNullable((String) json.get("project_id")), Optional.ofNullable((String) json.get("workspace_id")),
        (List<String>) json.get("permissions"), Optional.ofNullable((String) json.get("expires_at")).map(Instant::parse),
        (String) json.get("credential_id"), (Map<String, Object>) json.get("claims"));
  }
}

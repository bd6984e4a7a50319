package dev.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of identity providers: one cached JWK Set (RFC 7517 section 5) per
 * {@code jwks_uri}, shared by every rule that names it, fetched with Nimbus's
 * {@link DefaultResourceRetriever} under a short connect and read timeout ({@link #TIMEOUT}).
 *
 * <ul>
 *   <li>The first use of a {@code jwks_uri} fetches it; while that fails and nothing is cached,
 *       lookups answer {@link Lookup.Unavailable} (a 503 for the client, never a 401), trying
 *       again at most every {@link #RETRY_FAILED_FETCH_AFTER}.</li>
 *   <li>A {@code kid} the cached set lacks triggers a refetch (the provider may have rotated),
 *       at most once per {@link #REFETCH_AT_MOST_EVERY} per {@code jwks_uri}, so that tokens with
 *       made-up {@code kid}s cannot make this server hammer the provider.</li>
 *   <li>A set older than {@link #REFRESH_AFTER} is refreshed in the background, the cached keys
 *       answering meanwhile. When the provider is down the cached keys keep working (outage
 *       tolerance) for at most {@link #MAX_STALE}.</li>
 * </ul>
 * Only signature keys this server can use are kept: RSA of 2048 bits or more (RS256), EC P-256
 * (ES256) and Ed25519 (EdDSA). Thread-safe; callers never wait longer than about two timeouts.
 */
public final class JwkSetCache {

  public static final Duration TIMEOUT = Duration.ofSeconds(2);
  public static final Duration REFETCH_AT_MOST_EVERY = Duration.ofSeconds(30);
  static final Duration REFRESH_AFTER = Duration.ofMinutes(5);
  static final Duration RETRY_FAILED_FETCH_AFTER = Duration.ofSeconds(5);
  static final Duration MAX_STALE = Duration.ofHours(12);
  static final int MAX_JWKS_BYTES = 512 * 1024;
  static final int MIN_RSA_BITS = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(JwkSetCache.class);

  private final Clock clock;
  private final DefaultResourceRetriever retriever;
  private final Duration lockWait;
  private final Map<URI, Entry> entries = new ConcurrentHashMap<>();

  /** What a look-up found. */
  sealed interface Lookup {
    /** A usable key, with its algorithm and a verifier for it. */
    record Found(JWK key, JWSAlgorithm algorithm, JWSVerifier verifier) implements Lookup {}

    /** The provider's current set has no such key (or several, for a token without kid). */
    record Missing() implements Lookup {}

    /** Nothing usable is cached and the set cannot be fetched now. */
    record Unavailable() implements Lookup {}
  }

  private static final Lookup MISSING = new Lookup.Missing();
  private static final Lookup UNAVAILABLE = new Lookup.Unavailable();

  /** One fetched set; {@code byKid} and {@code all} hold only usable keys. */
  private record Snapshot(Map<String, Lookup.Found> byKid, List<Lookup.Found> all, Instant fetchedAt) {
    Lookup find(Optional<String> kid) {
      if (kid.isPresent()) {
        Lookup.Found found = byKid.get(kid.get());
        return found == null ? MISSING : found;
      }
      // RFC 7515 section 4.1.4: without a kid, the key must be evident: the only one published.
      return all.size() == 1 ? all.getFirst() : MISSING;
    }
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    final AtomicBoolean refreshing = new AtomicBoolean();
    volatile Snapshot snapshot; // null until the first successful fetch
    volatile Instant lastRefetch = Instant.EPOCH;
    volatile Instant lastFailure = Instant.EPOCH;
  }

  public JwkSetCache(Clock clock) {
    this(clock, TIMEOUT);
  }

  /** @param timeout the connect timeout and the read timeout of each fetch */
  JwkSetCache(Clock clock, Duration timeout) {
    this.clock = clock;
    int millis = Math.toIntExact(timeout.toMillis());
    this.retriever = new DefaultResourceRetriever(millis, millis, MAX_JWKS_BYTES);
    this.lockWait = timeout.multipliedBy(2).plusSeconds(1);
  }

  /**
   * The key {@code kid} of the set at {@code jwksUri}; without a kid, the set's only key.
   * May block for a fetch (at most about two timeouts).
   */
  Lookup find(URI jwksUri, Optional<String> kid) {
    Entry entry = entries.computeIfAbsent(jwksUri, u -> new Entry());
    Instant now = clock.instant();
    Snapshot snapshot = entry.snapshot;
    if (snapshot == null || tooStale(snapshot, now)) {
      Snapshot loaded = load(entry, jwksUri);
      return loaded == null ? UNAVAILABLE : loaded.find(kid);
    }
    Lookup found = snapshot.find(kid);
    if (found instanceof Lookup.Found) {
      if (now.isAfter(snapshot.fetchedAt().plus(REFRESH_AFTER))) {
        refreshInBackground(entry, jwksUri, now);
      }
      return found;
    }
    return refetchForUnknownKid(entry, jwksUri, snapshot, kid);
  }

  /** How many JWK Sets are cached (one per distinct jwks_uri used). */
  int size() {
    return entries.size();
  }

  private Lookup refetchForUnknownKid(Entry entry, URI jwksUri, Snapshot seen, Optional<String> kid) {
    if (!refetchAllowed(entry, clock.instant())) {
      return MISSING;
    }
    if (!tryLock(entry)) {
      return UNAVAILABLE;
    }
    try {
      Snapshot current = entry.snapshot;
      if (current != seen) {
        return current.find(kid); // another caller refetched while this one waited
      }
      Instant now = clock.instant();
      if (!refetchAllowed(entry, now)) {
        return MISSING;
      }
      entry.lastRefetch = now;
      try {
        Snapshot fresh = fetch(jwksUri);
        entry.snapshot = fresh;
        return fresh.find(kid);
      } catch (IOException | ParseException | RuntimeException e) {
        // The key may be new and the provider briefly down: the server's problem, not the token's.
        LOG.warn("refetching the JWK Set {} for an unknown kid failed; keeping the cached keys: {}", forLog(jwksUri),
            e.toString());
        return UNAVAILABLE;
      }
    } finally {
      entry.lock.unlock();
    }
  }

  /** @return the loaded snapshot, or null when it cannot be fetched now */
  private Snapshot load(Entry entry, URI jwksUri) {
    if (clock.instant().isBefore(entry.lastFailure.plus(RETRY_FAILED_FETCH_AFTER))) {
      return null;
    }
    if (!tryLock(entry)) {
      return null;
    }
    try {
      Instant now = clock.instant();
      Snapshot current = entry.snapshot;
      if (current != null && !tooStale(current, now)) {
        return current; // loaded by another caller meanwhile
      }
      if (now.isBefore(entry.lastFailure.plus(RETRY_FAILED_FETCH_AFTER))) {
        return null;
      }
      try {
        Snapshot fresh = fetch(jwksUri);
        entry.snapshot = fresh;
        return fresh;
      } catch (IOException | ParseException | RuntimeException e) {
        entry.lastFailure = clock.instant();
        LOG.warn("fetching the JWK Set {} failed and no usable keys are cached: {}", forLog(jwksUri), e.toString());
        return null;
      }
    } finally {
      entry.lock.unlock();
    }
  }

  private void refreshInBackground(Entry entry, URI jwksUri, Instant now) {
    if (!refetchAllowed(entry, now) || !entry.refreshing.compareAndSet(false, true)) {
      return;
    }
    entry.lastRefetch = now;
    Thread.ofVirtual().name("jwks-refresh").start(() -> {
      entry.lock.lock();
      try {
        entry.snapshot = fetch(jwksUri);
      } catch (IOException | ParseException | RuntimeException e) {
        LOG.warn("refreshing the JWK Set {} failed; the cached keys stay in use: {}", forLog(jwksUri), e.toString());
      } finally {
        entry.lock.unlock();
        entry.refreshing.set(false);
      }
    });
  }

  /** Scheme, host, port and path: a query string might carry a secret and is never logged. */
  static String forLog(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?<redacted>");
  }

  private static boolean refetchAllowed(Entry entry, Instant now) {
    return !now.isBefore(entry.lastRefetch.plus(REFETCH_AT_MOST_EVERY));
  }

  private static boolean tooStale(Snapshot snapshot, Instant now) {
    return now.isAfter(snapshot.fetchedAt().plus(MAX_STALE));
  }

  private boolean tryLock(Entry entry) {
    try {
      return entry.lock.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Snapshot fetch(URI jwksUri) throws IOException, ParseException {
    JWKSet set = JWKSet.parse(retriever.retrieveResource(jwksUri.toURL()).getContent());
    Map<String, Lookup.Found> byKid = new HashMap<>();
    List<Lookup.Found> all = new ArrayList<>();
    for (JWK key : set.getKeys()) {
      usable(key.toPublicJWK()).ifPresent(found -> {
        all.add(found);
        if (found.key().getKeyID() != null) {
          byKid.putIfAbsent(found.key().getKeyID(), found);
        }
      });
    }
    return new Snapshot(Map.copyOf(byKid), List.copyOf(all), clock.instant());
  }

  /** The key with the one algorithm it may verify here, if it is a signature key this server can use. */
  static Optional<Lookup.Found> usable(JWK key) {
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return Optional.empty();
    }
    try {
      Lookup.Found found = switch (key) {
        case RSAKey rsa when rsa.size() >= MIN_RSA_BITS ->
            new Lookup.Found(rsa, JWSAlgorithm.RS256, new RSASSAVerifier(rsa));
        case ECKey ec when Curve.P_256.equals(ec.getCurve()) ->
            new Lookup.Found(ec, JWSAlgorithm.ES256, new ECDSAVerifier(ec));
        case OctetKeyPair okp when Curve.Ed25519.equals(okp.getCurve()) ->
            new Lookup.Found(okp, JWSAlgorithm.EdDSA, new Ed25519Verifier(okp));
        default -> null;
      };
      // A key published for another algorithm (RS512, PS256, ...) is not used for ours.
      if (found == null || key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(found.algorithm().getName())) {
        return Optional.empty();
      }
      return Optional.of(found);
    } catch (JOSEException e) {
      return Optional.empty();
    }
  }
}

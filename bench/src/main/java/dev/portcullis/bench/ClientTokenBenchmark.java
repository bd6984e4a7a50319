package dev.portcullis.bench;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.clienttoken.ClientGrant;
import dev.portcullis.core.clienttoken.ClientToken;
import dev.portcullis.core.clienttoken.ClientTokenAuthenticator;
import dev.portcullis.core.jwt.InMemoryRevocationStore;
import dev.portcullis.core.policy.PolicyAuthorizer;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A client token on the hot path: {@link ClientTokenAuthenticator#authenticate} on a token it
 * has seen (hash, cache, revocation and expiry checks, no store read), and the engine the server
 * runs deciding {@code threads.read} for it (the policy's reach becomes the SQL filter).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ClientTokenBenchmark {

  private ClientTokenAuthenticator authenticator;
  private AuthnRequest cachedToken;
  private PolicyAuthorizer engine;
  private AuthzRequest readThread;

  @Setup
  public void cacheOneToken() {
    InMemoryClientTokenStore store = new InMemoryClientTokenStore();
    OpaqueSecrets.Minted minted = OpaqueSecrets.mint(SecretKind.CLIENT_TOKEN);
    Instant now = Instant.now();
    store.insert(new ClientToken("ctk_bench", "prj_bench", minted.hash(),
        List.of(new ClientGrant(ClientGrant.Type.AGENT, "agt_bench",
            EnumSet.of(ClientGrant.Access.READ_MESSAGES, ClientGrant.Access.WRITE_MESSAGES))),
        Optional.empty(), now.plus(Duration.ofHours(1)), now, Optional.empty()));
    Revocations revocations = new Revocations(new InMemoryRevocationStore(), Clock.systemUTC());
    authenticator = new ClientTokenAuthenticator(store, revocations, Clock.systemUTC());
    cachedToken = AuthnRequest.of(new Credential(minted.value(), Credential.Source.AUTHORIZATION_HEADER));
    if (!(authenticator.authenticate(cachedToken) instanceof AuthnResult.Authenticated authenticated)) {
      throw new IllegalStateException("the fixture token was not accepted");
    }
    Principal principal = authenticated.principal();
    engine = PolicyAuthorizer.builtIn();
    readThread = new AuthzRequest(principal, Operation.of(Resource.THREADS, Action.READ), Optional.of("thr_bench"),
        Map::of);
    if (!(engine.decide(readThread) instanceof Decision.Allowed allowed) || allowed.filter().idRestrictions().isEmpty()) {
      throw new IllegalStateException("a client token's read must be confined to its reach");
    }
  }

  @Benchmark
  public AuthnResult authenticateCachedToken() {
    return authenticator.authenticate(cachedToken);
  }

  @Benchmark
  public Decision decideThreadsRead() {
    return engine.decide(readThread);
  }
}

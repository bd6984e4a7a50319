package dev.portcullis.bench;

import dev.portcullis.core.jwt.InMemoryRevocationStore;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.core.apikey.AdminKeyAuthenticator;
import dev.portcullis.core.apikey.ServerKeyAuthenticator;
import dev.portcullis.core.authn.AuthenticatorChain;
import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.util.List;
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
 * The chain the server builds (admin key first, then server keys) on a cached server key,
 * on a malformed one (refused with an exception, as the server does), and followed by the
 * authorization step: what the server's request gate does apart from reading the header.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class AuthenticatorChainBenchmark {

  private static final Operation THREADS_READ = Operation.of(Resource.THREADS, Action.READ);

  private AuthenticatorChain chain;
  private Authorizer authorizer;
  private Credential serverKey;
  private Credential malformedKey;
  private Optional<String> threadId;

  @Setup
  public void build() {
    InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    String value = OpaqueSecrets.mint(SecretKind.SERVER_KEY).value();
    keys.add(value, "proj_bench");
    String adminHash = OpaqueSecrets.mint(SecretKind.ADMIN_KEY).hash();
    chain = new AuthenticatorChain(List.of(
        new AdminKeyAuthenticator(new InMemoryProjectStore(adminHash)),
        new ServerKeyAuthenticator(keys, new Revocations(new InMemoryRevocationStore(), Clock.systemUTC()), Clock.systemUTC(),
            Runnable::run)));
    authorizer = dev.portcullis.core.policy.PolicyAuthorizer.builtIn(); // as the server runs without --policy
    serverKey = new Credential(value, Credential.Source.AUTHORIZATION_HEADER);
    malformedKey = new Credential(MalformedKeys.withBadChecksum(value),
        Credential.Source.AUTHORIZATION_HEADER);
    threadId = Optional.of("thr_bench");
    if (chain.authenticate(serverKey).kind() != Principal.Kind.SERVER
        || !(gateServerKeyThreadsRead() instanceof Decision.Allowed)) {
      throw new IllegalStateException("the server key must authenticate and be allowed threads.read");
    }
  }

  @Benchmark
  public Principal chainCachedServerKey() {
    return chain.authenticate(serverKey); // setup left the key in the cache
  }

  @Benchmark
  public Object chainRefusesMalformedKey() {
    try {
      return chain.authenticate(malformedKey);
    } catch (PortcullisException refused) {
      return refused; // returned so that the exception is not optimised away
    }
  }

  @Benchmark
  public Decision gateServerKeyThreadsRead() {
    Principal principal = chain.authenticate(serverKey);
    return authorizer.decide(new AuthzRequest(principal, THREADS_READ, threadId));
  }
}

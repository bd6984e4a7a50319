package dev.portcullis.bench;

import dev.portcullis.core.jwt.InMemoryRevocationStore;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.core.apikey.ServerKeyAuthenticator;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import java.time.Clock;
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
 * {@link ServerKeyAuthenticator#authenticate} as a request sees it: a valid key already in
 * the authenticator's cache, and a made-up key refused by its checksum.
 *
 * <p>The clock is the system clock, as in the server, so reading it is part of the cost;
 * the cached copy therefore goes stale once a second and is reloaded from an in-memory
 * store, a cost spread over millions of calls. {@code last_used_at} is "written" (a no-op)
 * once a minute on the calling thread through a direct executor. The authenticator is
 * shared by all benchmark threads, as in the server ({@code -t 2} to see contention).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ServerKeyAuthenticatorBenchmark {

  private ServerKeyAuthenticator authenticator;
  private AuthnRequest cachedKey;
  private AuthnRequest malformedKey;

  @Setup
  public void cacheOneKey() {
    InMemoryApiKeyStore store = new InMemoryApiKeyStore();
    String value = OpaqueSecrets.mint(SecretKind.SERVER_KEY).value();
    store.add(value, "proj_bench");
    authenticator = new ServerKeyAuthenticator(store, new Revocations(new InMemoryRevocationStore(), Clock.systemUTC()), Clock.systemUTC(),
        Runnable::run);
    cachedKey = AuthnRequest.of(new Credential(value, Credential.Source.AUTHORIZATION_HEADER));
    malformedKey = AuthnRequest.of(new Credential(MalformedKeys.withBadChecksum(value),
        Credential.Source.AUTHORIZATION_HEADER));
    if (!(authenticator.authenticate(cachedKey) instanceof AuthnResult.Authenticated)
        || !(authenticator.authenticate(malformedKey) instanceof AuthnResult.Rejected)) {
      throw new IllegalStateException("the fixture keys do not behave as the benchmark assumes");
    }
  }

  @Benchmark
  public AuthnResult authenticateCachedKey() {
    return authenticator.authenticate(cachedKey);
  }

  @Benchmark
  public AuthnResult refuseMalformedKey() {
    return authenticator.authenticate(malformedKey);
  }
}

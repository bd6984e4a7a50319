package dev.portcullis.bench;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.CredentialLimitsAuthorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.spi.Principal;
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

/** The authorization step of every request: a server principal reading one thread. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class AuthorizationBenchmark {

  private CredentialLimitsAuthorizer authorizer;
  private AuthzRequest serverReadsThread;

  @Setup
  public void build() {
    authorizer = new CredentialLimitsAuthorizer();
    Principal server = new Principal(Principal.Kind.SERVER, "key_bench", Optional.of("proj_bench"),
        Optional.empty(), List.of("project:*"), Optional.empty(), "key_bench", Map.of());
    serverReadsThread = new AuthzRequest(server, Operation.of(Resource.THREADS, Action.READ),
        Optional.of("thr_bench"));
    if (!(authorizer.decide(serverReadsThread) instanceof Decision.Allowed)) {
      throw new IllegalStateException("a server key must be allowed threads.read");
    }
  }

  @Benchmark
  public Decision decideServerThreadsRead() {
    return authorizer.decide(serverReadsThread);
  }
}

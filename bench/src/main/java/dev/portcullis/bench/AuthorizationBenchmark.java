package dev.portcullis.bench;

import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.CredentialLimitsAuthorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.policy.PolicyAuthorizer;
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

/**
 * The authorization step of every request, as the server runs it without {@code --policy}: the
 * credential limits and the built-in rules ({@link PolicyAuthorizer#builtIn()}), whose CEL
 * conditions are evaluated on each call. {@code limitsOnly} is step 1 alone, the baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class AuthorizationBenchmark {

  private CredentialLimitsAuthorizer limits;
  private PolicyAuthorizer engine;
  private AuthzRequest serverReadsThread;
  private AuthzRequest workspaceReadsThread;
  private AuthzRequest workspaceCreatesAgent;

  @Setup
  public void build() {
    limits = new CredentialLimitsAuthorizer();
    engine = PolicyAuthorizer.builtIn();
    Principal server = new Principal(Principal.Kind.SERVER, "key_bench", Optional.of("prj_bench"),
        Optional.empty(), List.of("project:*"), Optional.empty(), "key_bench", Map.of());
    Principal workspace = new Principal(Principal.Kind.WORKSPACE, "user_bench", Optional.of("prj_bench"),
        Optional.of("ws_bench"), List.of(), Optional.empty(), "jti_bench", Map.of("sub", "user_bench"));
    serverReadsThread = new AuthzRequest(server, Operation.of(Resource.THREADS, Action.READ), Optional.of("thr_bench"));
    workspaceReadsThread =
        new AuthzRequest(workspace, Operation.of(Resource.THREADS, Action.READ), Optional.of("thr_bench"));
    workspaceCreatesAgent = new AuthzRequest(workspace, Operation.of(Resource.AGENTS, Action.CREATE), Optional.empty());
    require(engine.decide(serverReadsThread) instanceof Decision.Allowed a && a.filter().isNone(),
        "a server key reads every thread");
    require(engine.decide(workspaceReadsThread) instanceof Decision.Allowed a && !a.filter().isNone(),
        "a workspace reads threads under the owner filter");
    require(engine.decide(workspaceCreatesAgent) instanceof Decision.Denied, "a workspace may not create agents");
  }

  private static void require(boolean holds, String what) {
    if (!holds) {
      throw new IllegalStateException("the built-in rules changed: " + what);
    }
  }

  @Benchmark
  public Decision limitsOnlyServerThreadsRead() {
    return limits.decide(serverReadsThread);
  }

  @Benchmark
  public Decision builtInServerThreadsRead() {
    return engine.decide(serverReadsThread);
  }

  @Benchmark
  public Decision builtInWorkspaceThreadsRead() {
    return engine.decide(workspaceReadsThread);
  }

  @Benchmark
  public Decision builtInWorkspaceAgentsCreateDenied() {
    return engine.decide(workspaceCreatesAgent);
  }
}

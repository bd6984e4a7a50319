package dev.portcullis.bench;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
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
 * The two pieces of every server-key check: the checksum test that refuses made-up keys
 * without a database read, and the SHA-256 that the cache and the database are keyed by.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class OpaqueSecretsBenchmark {

  private String valid;
  private String badChecksum;

  @Setup
  public void mint() {
    valid = OpaqueSecrets.mint(SecretKind.SERVER_KEY).value();
    badChecksum = MalformedKeys.withBadChecksum(valid);
    if (!OpaqueSecrets.isWellFormed(valid, SecretKind.SERVER_KEY)
        || OpaqueSecrets.isWellFormed(badChecksum, SecretKind.SERVER_KEY)) {
      throw new IllegalStateException("the fixture keys do not behave as the benchmark assumes");
    }
  }

  @Benchmark
  public boolean isWellFormedValidKey() {
    return OpaqueSecrets.isWellFormed(valid, SecretKind.SERVER_KEY);
  }

  @Benchmark
  public boolean isWellFormedBadChecksum() {
    return OpaqueSecrets.isWellFormed(badChecksum, SecretKind.SERVER_KEY);
  }

  @Benchmark
  public String hash() {
    return OpaqueSecrets.hash(valid);
  }
}

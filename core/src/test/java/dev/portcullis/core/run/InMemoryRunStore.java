package dev.portcullis.core.run;

import dev.portcullis.core.domain.Run;
import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.store.RunStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link RunStore} in a list, counting the reads of thread events. Thread-safe. */
final class InMemoryRunStore implements RunStore {

  final AtomicInteger threadReads = new AtomicInteger();
  private final List<RunEvent> events = new ArrayList<>();
  private final Map<String, Run> runs = new HashMap<>();
  private long nextRun;

  @Override
  public synchronized Run create(String threadId, String agentId) {
    Run run = new Run("run_" + ++nextRun, threadId, agentId, Run.Status.RUNNING, Optional.empty(), Instant.EPOCH,
        Optional.empty());
    runs.put(run.id(), run);
    return run;
  }

  @Override
  public synchronized Optional<Run> find(String threadId, String runId) {
    return Optional.ofNullable(runs.get(runId)).filter(r -> r.threadId().equals(threadId));
  }

  @Override
  public synchronized List<Run> running() {
    return runs.values().stream().filter(r -> !r.finished()).toList();
  }

  @Override
  public Run finish(String runId, Run.Status status, Optional<String> error) {
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized RunEvent appendEvent(String runId, String event, String dataJson) {
    RunEvent stored = new RunEvent(events.size() + 1, runId, event, dataJson);
    events.add(stored);
    return stored;
  }

  @Override
  public synchronized List<RunEvent> events(String runId, long afterId) {
    return events.stream().filter(e -> e.runId().equals(runId) && e.id() > afterId).toList();
  }

  @Override
  public synchronized List<RunEvent> threadEvents(String threadId, long afterId) {
    threadReads.incrementAndGet();
    return events.stream().filter(e -> e.id() > afterId && runs.get(e.runId()).threadId().equals(threadId)).toList();
  }

  @Override
  public synchronized long lastEventId(String threadId) {
    return events.stream().filter(e -> runs.get(e.runId()).threadId().equals(threadId)).mapToLong(RunEvent::id)
        .max().orElse(0);
  }
}

package dev.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of {@code bench/ws-load.sh}: opens N authenticated WebSocket connections to
 * one server, subscribes each to one thread, starts one run on the thread, and measures what
 * the fan-out costs. Runs in its own process; see bench/README.md for what each figure means.
 *
 * <p>Arguments, each {@code name=value}: {@code base} (http://127.0.0.1:port), {@code token} (a
 * workspace token, sent as {@code ?token=}), {@code thread}, {@code pid} (the server's, for its
 * RSS), {@code db} (the server's SQLite file, read after the run for each event's
 * {@code created_at}), and optionally {@code connections=10000}, {@code sources=4} (source
 * addresses 127.0.0.2 and up), {@code inflight=256} (handshakes at once), {@code settle=3}
 * (seconds between the last subscribe and the run), {@code input} (the run's message),
 * {@code hold=5} (seconds to hold after the run before counting live sockets), {@code out}.
 */
public final class WebSocketLoad {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One client connection and what it received. */
  private static final class Conn implements WebSocket.Listener {
    final int index;
    final StringBuilder text = new StringBuilder();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Void> completed = new CompletableFuture<>();
    /** Pairs of (event id, receipt time in µs since the epoch), for message.delta frames. */
    long[] deltas = new long[64];
    int deltaCount;
    int events;
    volatile boolean closed;
    volatile boolean subscribed;
    volatile String closeReason;
    WebSocket ws;

    Conn(int index) {
      this.index = index;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long micros = nowMicros();
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        try {
          handle(webSocket, JSON.readTree(frame), micros);
        } catch (IOException e) {
          closeReason = "bad frame: " + e.getMessage();
        }
      }
      webSocket.request(1);
      return null;
    }

    private void handle(WebSocket webSocket, JsonNode frame, long micros) {
      switch (frame.path("type").asText()) {
        case "ready" -> ready.complete(null);
        case "event" -> {
          events++;
          String event = frame.path("event").asText();
          if (event.equals("message.delta")) {
            if (2 * deltaCount + 2 > deltas.length) {
              deltas = Arrays.copyOf(deltas, deltas.length * 2);
            }
            deltas[2 * deltaCount] = frame.path("id").asLong();
            deltas[2 * deltaCount + 1] = micros;
            deltaCount++;
          } else if (event.equals("run.completed") || event.equals("run.failed")) {
            completed.complete(null);
          }
        }
        case "error" -> closeReason = "error frame: " + frame;
        default -> { }
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed = true;
      closeReason = "closed " + statusCode + " " + reason;
      ready.completeExceptionally(new IllegalStateException(closeReason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed = true;
      closeReason = "error " + error;
      ready.completeExceptionally(error);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("arguments are name=value, not " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String base = require(a, "base");
    String token = require(a, "token");
    String thread = require(a, "thread");
    long pid = Long.parseLong(require(a, "pid"));
    Path db = Path.of(require(a, "db"));
    int n = Integer.parseInt(a.getOrDefault("connections", "10000"));
    int sources = Integer.parseInt(a.getOrDefault("sources", "4"));
    int inflight = Integer.parseInt(a.getOrDefault("inflight", "256"));
    int settle = Integer.parseInt(a.getOrDefault("settle", "3"));
    int hold = Integer.parseInt(a.getOrDefault("hold", "5"));
    String input = a.getOrDefault("input",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen");

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("connections_requested", n);
    result.put("source_addresses", sources);
    result.put("server_before", serverMemory(base, pid));

    // Several clients, one per source address: each has its own selector thread, and the
    // ephemeral ports of one source address (about 28,000 here) are never the limit.
    ExecutorService callbacks = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    List<HttpClient> clients = new ArrayList<>();
    for (int i = 0; i < sources; i++) {
      clients.add(HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0." + (2 + i)))
          .executor(callbacks).connectTimeout(Duration.ofSeconds(30)).build());
    }
    URI uri = URI.create(base.replaceFirst("^http", "ws") + "/v1/ws?token=" + token);
    String subscribe = "{\"type\":\"subscribe\",\"thread_id\":\"" + thread + "\"}";

    List<Conn> conns = java.util.Collections.synchronizedList(new ArrayList<>(n));
    // As a real client does, each socket sends {"type":"ping"} every 15 s, spread over the
    // interval, so that the server's idle timeout (30 s) does not close sockets that only listen.
    java.util.concurrent.ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger tick = new AtomicInteger();
    pinger.scheduleAtFixedRate(() -> {
      int t = tick.getAndIncrement() % 15;
      List<Conn> snapshot;
      synchronized (conns) {
        snapshot = List.copyOf(conns);
      }
      for (Conn c : snapshot) {
        WebSocket ws = c.ws;
        if (c.index % 15 == t && ws != null && c.subscribed && !c.closed) {
          ws.sendText("{\"type\":\"ping\"}", true);
        }
      }
    }, 1, 1, TimeUnit.SECONDS);
    Semaphore window = new Semaphore(inflight);
    CountDownLatch settled = new CountDownLatch(n);
    AtomicInteger failed = new AtomicInteger();
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    AtomicLong lastReady = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Conn conn = new Conn(i);
      conns.add(conn);
      window.acquire();
      clients.get(i % sources).newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
          .buildAsync(uri, conn)
          .thenCompose(ws -> {
            conn.ws = ws;
            return conn.ready.thenCompose(r -> ws.sendText(subscribe, true));
          })
          .whenComplete((ws, error) -> {
            window.release();
            if (error != null) {
              failed.incrementAndGet();
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              failures.computeIfAbsent(cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                  k -> new AtomicInteger()).incrementAndGet();
            } else {
              conn.subscribed = true;
              lastReady.accumulateAndGet(System.nanoTime(), Math::max);
            }
            settled.countDown();
          });
      if ((i + 1) % 1000 == 0) {
        System.err.printf("ws-load: %d handshakes started, %d failed so far%n", i + 1, failed.get());
      }
    }
    if (!settled.await(300, TimeUnit.SECONDS)) {
      System.err.println("ws-load: some handshakes never finished within 300 s");
    }
    int opened = n - failed.get();
    double handshakeSeconds = (lastReady.get() - start) / 1e9;
    result.put("handshakes_ok", opened);
    result.put("handshakes_failed", failed.get());
    result.put("handshake_failures", failures);
    result.put("handshake_seconds", round(handshakeSeconds));
    result.put("handshake_rate_per_s", round(opened / handshakeSeconds));
    System.err.printf("ws-load: %d connected and subscribed in %.1f s (%d failed); settling %d s%n", opened,
        handshakeSeconds, failed.get(), settle);
    double cpuBefore = cpuSeconds(pid);
    Thread.sleep(settle * 1000L);
    // What holding the idle sockets costs: each one's credential is re-checked on a timer.
    result.put("server_cpu_percent_while_idle", round(100 * (cpuSeconds(pid) - cpuBefore) / settle));
    result.put("server_held", serverMemory(base, pid));

    // One run; its events fan out to every subscriber.
    HttpClient http = HttpClient.newHttpClient();
    long posted = nowMicros();
    HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/threads/" + thread + "/runs"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("input", Map.of("messages",
            List.of(Map.of("role", "user", "content", input)))))))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (run.statusCode() != 200) {
      throw new IllegalStateException("POST run answered " + run.statusCode() + ": " + run.body());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int done = 0;
    for (Conn conn : conns) {
      if (conn.ws == null || conn.closed) {
        continue;
      }
      try {
        conn.completed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        done++;
      } catch (Exception timedOut) {
        // counted below
      }
    }
    long fanOutEnd = conns.stream().filter(c -> c.deltaCount > 0)
        .mapToLong(c -> c.deltas[2 * c.deltaCount - 1]).max().orElse(posted);
    result.put("server_after_fanout", serverMemory(base, pid));
    result.put("subscribers_with_run_completed", done);

    // Fan-out latency of each message.delta at each subscriber: receipt (this process's clock)
    // minus the event's created_at (the server's clock when it stored the event, ms precision).
    Map<Long, Long> createdMillis = createdAt(db);
    List<Long> seqs = createdMillis.keySet().stream().sorted().toList();
    int total = 0;
    for (Conn c : conns) {
      total += c.deltaCount;
    }
    long[] latency = new long[total];
    long[] sincePost = new long[total];
    int k = 0;
    int missingDeltas = 0;
    long expectedDeltas = 0;
    for (Conn c : conns) {
      for (int i = 0; i < c.deltaCount; i++) {
        Long created = createdMillis.get(c.deltas[2 * i]);
        if (created == null) {
          continue;
        }
        latency[k] = c.deltas[2 * i + 1] - created * 1000;
        sincePost[k] = c.deltas[2 * i + 1] - posted;
        k++;
      }
    }
    latency = Arrays.copyOf(latency, k);
    sincePost = Arrays.copyOf(sincePost, k);
    Arrays.sort(latency);
    Arrays.sort(sincePost);
    int deltasPerRun = deltaEvents(db);
    for (Conn c : conns) {
      if (c.ws != null && !c.closed) {
        expectedDeltas += deltasPerRun;
        missingDeltas += Math.max(0, deltasPerRun - c.deltaCount);
      }
    }
    result.put("events_stored", seqs.size());
    result.put("deltas_per_run", deltasPerRun);
    result.put("deltas_received", k);
    result.put("deltas_expected", expectedDeltas);
    result.put("deltas_missing", missingDeltas);
    result.put("fanout_latency_ms", Map.of("p50", pct(latency, 0.50), "p90", pct(latency, 0.90),
        "p99", pct(latency, 0.99), "max", pct(latency, 1.0)));
    result.put("since_post_ms", Map.of("p50", pct(sincePost, 0.50), "p99", pct(sincePost, 0.99),
        "max", pct(sincePost, 1.0)));
    result.put("post_to_last_delta_ms", round((fanOutEnd - posted) / 1000.0));

    Thread.sleep(hold * 1000L);
    int held = 0;
    Map<String, Integer> closes = new HashMap<>();
    for (Conn c : conns) {
      if (c.ws != null && !c.closed && !c.ws.isInputClosed() && !c.ws.isOutputClosed()) {
        held++;
      } else if (c.closeReason != null) {
        closes.merge(c.closeReason.length() > 80 ? c.closeReason.substring(0, 80) : c.closeReason, 1, Integer::sum);
      }
    }
    result.put("connections_held_after_run", held);
    result.put("close_reasons", closes);
    result.put("server_end", serverMemory(base, pid));

    String report = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
    if (a.containsKey("out")) {
      Files.writeString(Path.of(a.get("out")), report + "\n");
    }
    System.out.println(report);
    for (Conn c : conns) {
      if (c.ws != null) {
        c.ws.abort();
      }
    }
    pinger.shutdownNow();
    callbacks.shutdownNow();
    System.exit(held == n && missingDeltas == 0 ? 0 : 1);
  }

  private static String require(Map<String, String> a, String name) {
    String v = a.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing argument " + name + "=...");
    }
    return v;
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  private static double pct(long[] sortedMicros, double p) {
    if (sortedMicros.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sortedMicros.length - 1, Math.ceil(p * sortedMicros.length) - 1);
    return round(sortedMicros[Math.max(0, i)] / 1000.0);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Heap in use (Prometheus {@code jvm_memory_used_bytes{area="heap"}}, summed over pools) and RSS, in MiB. */
  private static Map<String, Object> serverMemory(String base, long pid) {
    Map<String, Object> m = new LinkedHashMap<>();
    // The server registers no JVM meters in /metrics: ask the JVM itself. "used" counts garbage
    // not yet collected; "live" is what a full collection leaves, the memory the sockets hold.
    m.put("heap_used_mib", heapUsedMib(pid));
    jcmd(pid, "GC.run");
    m.put("heap_live_mib", heapUsedMib(pid));
    try {
      String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: 0 kB");
      m.put("rss_mib", round(Long.parseLong(rss.replaceAll("[^0-9]", "")) / 1024.0));
      String fds = String.valueOf(Files.list(Path.of("/proc/" + pid + "/fd")).count());
      m.put("open_fds", Integer.parseInt(fds));
      m.put("cpu_seconds", cpuSeconds(pid));
    } catch (IOException e) {
      m.put("rss_mib", "unavailable: " + e);
    }
    return m;
  }

  /** User plus system CPU time of the process, from /proc/<pid>/stat (clock ticks of 1/100 s). */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static Object heapUsedMib(long pid) {
    String info = jcmd(pid, "GC.heap_info");
    java.util.regex.Matcher used = java.util.regex.Pattern.compile("heap\\s+total[^\\n]*?used (\\d+)K").matcher(info);
    return used.find() ? round(Long.parseLong(used.group(1)) / 1024.0) : "unavailable: " + info.strip();
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      return "jcmd failed: " + e;
    }
  }

  private static Map<Long, Long> createdAt(Path db) throws Exception {
    Map<Long, Long> created = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db.toAbsolutePath() + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, created_at FROM run_events")) {
      while (rs.next()) {
        created.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return created;
  }

  private static int deltaEvents(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db.toAbsolutePath() + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM run_events WHERE event = 'message.delta'")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}

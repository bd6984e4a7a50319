package dev.portcullis.bench;

import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.Agent;
import dev.portcullis.core.domain.AgentThread;
import dev.portcullis.core.domain.Project;
import dev.portcullis.core.store.AgentStore.NewAgent;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.ThreadStore.ThreadQuery;
import dev.portcullis.store.JdbcStore;
import dev.portcullis.store.PostgresUrl;
import dev.portcullis.store.internal.JdbcThreadStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The scale check of API.md section 7: with {@code THREADS} threads over {@code WORKSPACES}
 * workspaces in one project, how long listing one workspace's first page (limit 20, filtered on
 * {@code metadata.owner} as the built-in policy does) takes through the public store API, on
 * SQLite (a temporary file) and on PostgreSQL ({@code PORTCULLIS_TEST_PG} or an embedded server).
 * Not JMH: the figure asked for is a latency distribution (p50, p99) over many single calls.
 *
 * <p>Arguments (all optional, {@code key=value}): {@code dbs=sqlite,postgres},
 * {@code threads=1000000}, {@code workspaces=10000}, {@code warmup=2000}, {@code calls=20000}.
 */
public final class ThreadListScale {

  private ThreadListScale() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1000000"));
    int workspaces = Integer.parseInt(opts.getOrDefault("workspaces", "10000"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "2000"));
    int calls = Integer.parseInt(opts.getOrDefault("calls", "20000"));
    for (String db : opts.getOrDefault("dbs", "sqlite,postgres").split(",")) {
      switch (db) {
        case "sqlite" -> sqlite(threads, workspaces, warmup, calls);
        case "postgres" -> postgres(threads, workspaces, warmup, calls);
        default -> throw new IllegalArgumentException("unknown database " + db + " (sqlite, postgres)");
      }
    }
  }

  private static void sqlite(int threads, int workspaces, int warmup, int calls) throws Exception {
    Path dir = Files.createTempDirectory("portcullis-scale-");
    try (JdbcStore store = JdbcStore.sqlite(dir, Clock.systemUTC())) {
      String url = "jdbc:sqlite:" + dir.resolve("portcullis.db").toAbsolutePath();
      try (Connection c = DriverManager.getConnection(url)) {
        run("sqlite", store, c, threads, workspaces, warmup, calls);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void postgres(int threads, int workspaces, int warmup, int calls) throws Exception {
    String server = System.getenv("PORTCULLIS_TEST_PG");
    EmbeddedPostgres embedded = null;
    String url;
    if (server != null && !server.isBlank()) {
      url = server;
    } else {
      embedded = EmbeddedPostgres.builder().start();
      url = "postgresql://postgres@localhost:" + embedded.getPort() + "/postgres";
    }
    // A database of its own, dropped afterwards: PORTCULLIS_TEST_PG may name a server in use.
    java.net.URI uri = java.net.URI.create(url);
    String database = "portcullis_scale_" + System.currentTimeMillis();
    String scaleUrl = uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    PostgresUrl admin = PostgresUrl.parse(url);
    Properties props = new Properties();
    admin.user().ifPresent(u -> props.setProperty("user", u));
    admin.password().ifPresent(p -> props.setProperty("password", p));
    try (Connection adminConnection = DriverManager.getConnection(admin.jdbcUrl(), props)) {
      try (Statement s = adminConnection.createStatement()) {
        s.execute("CREATE DATABASE " + database);
      }
      try {
        try (JdbcStore store = JdbcStore.postgres(scaleUrl, Clock.systemUTC());
            Connection c = DriverManager.getConnection(PostgresUrl.parse(scaleUrl).jdbcUrl(), props)) {
          run("postgres", store, c, threads, workspaces, warmup, calls);
        }
      } finally {
        try (Statement s = adminConnection.createStatement()) {
          s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static void run(String name, JdbcStore store, Connection c, int threads, int workspaces, int warmup,
      int calls) throws SQLException {
    Project project = store.projects().create("scale");
    Agent agent = store.agents().create(project.id(), new NewAgent("a", "echo", Optional.empty(), Map.of()));
    long start = System.nanoTime();
    seed(name, c, project.id(), agent.id(), threads, workspaces);
    System.out.printf(Locale.ROOT, "%s: seeded %,d threads over %,d workspaces in %.1f s%n", name, threads, workspaces,
        (System.nanoTime() - start) / 1e9);

    JdbcThreadStore threadStore = (JdbcThreadStore) store.threads();
    System.out.println(name + ": plan of one workspace's first page:");
    threadStore.explainSearch(scope(project, 0), ThreadQuery.ALL, PageRequest.first(20))
        .forEach(line -> System.out.println("    " + line));

    SplittableRandom random = new SplittableRandom(42);
    int expected = Math.min(20, threads / workspaces);
    for (int i = 0; i < warmup; i++) {
      list(threadStore, project, random.nextInt(workspaces), expected);
    }
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      int workspace = random.nextInt(workspaces);
      long t0 = System.nanoTime();
      list(threadStore, project, workspace, expected);
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "%s: %,d calls of search(owner = random workspace, limit 20): "
        + "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n", name, calls,
        pct(nanos, 50), pct(nanos, 90), pct(nanos, 99), pct(nanos, 99.9), nanos[calls - 1] / 1e6);
  }

  private static void list(JdbcThreadStore threads, Project project, int workspace, int expected) {
    List<AgentThread> page = threads.search(scope(project, workspace), ThreadQuery.ALL, PageRequest.first(20)).data();
    if (page.size() != expected) {
      throw new IllegalStateException("workspace " + workspace + " listed " + page.size() + " threads, not " + expected);
    }
  }

  /** What the built-in policy gives a workspace principal on threads. */
  private static Scope scope(Project project, int workspace) {
    return new Scope(project.id(), ResourceFilter.metadataEquals(Map.of("owner", workspaceId(workspace))));
  }

  private static String workspaceId(int workspace) {
    return String.format(Locale.ROOT, "ws_%05d", workspace);
  }

  /**
   * Inserts the threads in one statement run by the database itself (a recursive CTE on SQLite,
   * generate_series on PostgreSQL): thread n belongs to workspace n % workspaces, so each
   * workspace's threads are spread over the whole table, the worst case for locality. Then
   * ANALYZE, as a database in service would have run.
   */
  private static void seed(String name, Connection c, String projectId, String agentId, int threads, int workspaces)
      throws SQLException {
    long now = System.currentTimeMillis();
    String sql = name.equals("postgres")
        ? "INSERT INTO threads (id, project_id, agent_id, metadata, created_at, updated_at) "
            + "SELECT 'thr_scale_' || g, ?, ?, jsonb_build_object('owner', 'ws_' || lpad((g % ?)::text, 5, '0')), ?, ? "
            + "FROM generate_series(0, ? - 1) AS g"
        : "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n + 1 < ?) "
            + "INSERT INTO threads (id, project_id, agent_id, metadata, created_at, updated_at) "
            + "SELECT 'thr_scale_' || n, ?, ?, json_object('owner', printf('ws_%05d', n % ?)), ?, ? FROM g";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (!name.equals("postgres")) {
        ps.setInt(i++, threads);
      }
      ps.setString(i++, projectId);
      ps.setString(i++, agentId);
      ps.setInt(i++, workspaces);
      ps.setLong(i++, now);
      ps.setLong(i++, now);
      if (name.equals("postgres")) {
        ps.setInt(i, threads);
      }
      ps.executeUpdate();
    }
    try (Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }
  }

  private static double pct(long[] sorted, double p) {
    int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}

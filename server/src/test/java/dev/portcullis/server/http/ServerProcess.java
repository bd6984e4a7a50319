package dev.portcullis.server.http;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a process of its own, started from the test's class path: so that it can really
 * be killed, and so that everything it writes to its standard output and error can be read.
 */
record ServerProcess(Process process, String baseUrl, List<String> output) {

  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  /**
   * Starts {@code serve --port 0 --data <data>} with {@code args}, and JVM options
   * {@code jvmOptions}; returns once it listens. Its output is collected in {@link #output}.
   */
  static ServerProcess launch(Path data, String adminKey, List<String> jvmOptions, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.portcullis.server.cli.Main",
        "serve", "--port", "0", "--data", data.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PORTCULLIS_ADMIN_KEY", adminKey);
    pb.redirectErrorStream(true);
    Process process = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    for (String line; (line = out.readLine()) != null; ) {
      seen.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> out.lines().forEach(seen::add));
        drain.setDaemon(true);
        drain.start();
        return new ServerProcess(process, m.group(1), seen);
      }
    }
    throw new AssertionError("server did not start: " + seen);
  }
}

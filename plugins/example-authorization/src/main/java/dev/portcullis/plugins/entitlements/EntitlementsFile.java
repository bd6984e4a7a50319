package dev.portcullis.plugins.entitlements;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The entitlements file, read once: UTF-8 lines {@code <workspace id>=<agent id>,<agent id>...},
 * for example {@code alice=agt_3x7Yq,agt_9kLm2}; the workspace {@code *} lists the agents every
 * workspace may use. Blank lines and lines starting with {@code #} are skipped. A workspace may
 * appear once; one that is not listed may use only the agents of {@code *}. Immutable and
 * thread-safe.
 */
final class EntitlementsFile {

  /** The line that lists what every workspace may use. */
  static final String EVERYONE = "*";

  private static final Pattern WORKSPACE = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");
  private static final Pattern AGENT = Pattern.compile("agt_[A-Za-z0-9]{1,64}");

  private final Map<String, Set<String>> agentsByWorkspace;

  private EntitlementsFile(Map<String, Set<String>> agentsByWorkspace) {
    this.agentsByWorkspace = Map.copyOf(agentsByWorkspace);
  }

  /** @throws IllegalArgumentException naming the file and, for a bad line, its number */
  static EntitlementsFile read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("entitlements file " + file + " cannot be read: " + e);
    }
    Map<String, Set<String>> agentsByWorkspace = new HashMap<>();
    Map<String, Integer> lineOfWorkspace = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "entitlements file " + file + " line " + number;
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException(where + ": expected <workspace id>=<agent id>,<agent id>...");
      }
      String workspace = line.substring(0, equals).strip();
      if (!workspace.equals(EVERYONE) && !WORKSPACE.matcher(workspace).matches()) {
        throw new IllegalArgumentException(where + ": the workspace must be * or 1 to 128 characters of "
            + "A-Z a-z 0-9 . _ @ : -");
      }
      Integer earlier = lineOfWorkspace.putIfAbsent(workspace, number);
      if (earlier != null) {
        throw new IllegalArgumentException(where + ": workspace " + workspace + " is already listed on line " + earlier);
      }
      Set<String> agents = new LinkedHashSet<>();
      for (String field : line.substring(equals + 1).split(",", -1)) {
        String agent = field.strip();
        if (!AGENT.matcher(agent).matches()) {
          throw new IllegalArgumentException(where + ": \"" + agent + "\" is not an agent id (agt_...)");
        }
        agents.add(agent);
      }
      agentsByWorkspace.put(workspace, Set.copyOf(agents));
    }
    return new EntitlementsFile(agentsByWorkspace);
  }

  /** Whether {@code workspace} may use {@code agent}, by its own line or by the line {@code *}. */
  boolean allows(String workspace, String agent) {
    return agentsByWorkspace.getOrDefault(workspace, Set.of()).contains(agent)
        || agentsByWorkspace.getOrDefault(EVERYONE, Set.of()).contains(agent);
  }
}

package dev.portcullis.core.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A policy file (API.md section 7): a list of rules, each compiled and type-checked when the
 * file is read, so that a policy that loads cannot fail for its syntax later. Immutable and
 * thread-safe.
 *
 * <p>The file is YAML with one key, {@code rules}, a list of rules with the keys {@code name}
 * (required, unique), {@code on} (required: {@code *}, a resource such as {@code threads}, or
 * {@code resource.action} such as {@code threads.create}), {@code when} (a CEL condition of type
 * bool), and at most one kind of effect: {@code deny: "message"}, or {@code metadata} and
 * {@code filter}, mappings of keys to CEL expressions; a filter value may instead be an
 * operator object {@code {$eq|$ne|$in|$contains: expression}}.
 *
 * <p>Expressions see two variables, maps from string to any value: {@code principal} with
 * {@code kind}, {@code identity}, {@code workspace_id}, {@code project_id} (both the empty
 * string when the principal has none) and {@code claims}; and {@code resource}, the stored
 * object ({@code id}, {@code metadata}, {@code agent_id}) for read, update, delete and runs, the
 * request body for create, and {@code {}} for search.
 */
public final class Policy {

  private static final String BUILT_IN_NAME = "default-policy.yaml";
  private static final String BUILT_IN_SOURCE = readBuiltIn();
  private static volatile Policy builtIn;

  private final String fileName;
  private final String source;
  private final List<PolicyRule> rules;

  private Policy(String fileName, String source, List<PolicyRule> rules) {
    this.fileName = fileName;
    this.source = source;
    this.rules = List.copyOf(rules);
  }

  /**
   * Reads and compiles the policy file at {@code path}.
   *
   * @throws PolicyException naming the file and line when the file is not a valid policy
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Policy load(Path path) {
    try {
      return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the policy file " + path, e);
    }
  }

  /**
   * Compiles {@code source}, naming {@code fileName} in errors.
   *
   * @throws PolicyException {@code <fileName>:<line>: <reason>} when the source is not a valid policy
   */
  public static Policy parse(String source, String fileName) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(fileName, "fileName");
    return new Policy(fileName, source, PolicyParser.parse(source, fileName));
  }

  /** A policy without rules: every request is allowed within the credential's own limits. */
  public static Policy empty() {
    return new Policy("(empty)", "rules: []\n", List.of());
  }

  /**
   * The built-in rule set (API.md section 7, point 3), used when no {@code --policy} file is
   * given: a workspace principal sees only the threads its workspace created, stamped as
   * {@code metadata.owner}, may read and search the project's agents, and may not create, update
   * or delete them.
   */
  public static Policy builtIn() {
    Policy policy = builtIn;
    if (policy == null) {
      policy = parse(BUILT_IN_SOURCE, BUILT_IN_NAME);
      builtIn = policy;
    }
    return policy;
  }

  /** The built-in rule set as a policy file to start from ({@code ./portcullis policy default}). */
  public static String builtInSource() {
    return BUILT_IN_SOURCE;
  }

  /** The name errors and traces give this policy: the path it was loaded from, or the given name. */
  public String fileName() {
    return fileName;
  }

  /** The YAML this policy was compiled from. */
  public String source() {
    return source;
  }

  /** The rules in file order. */
  public List<PolicyRule> rules() {
    return rules;
  }

  private static String readBuiltIn() {
    try (InputStream in = Policy.class.getResourceAsStream(BUILT_IN_NAME)) {
      if (in == null) {
        throw new IllegalStateException("the built-in policy " + BUILT_IN_NAME + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.portcullis.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken policy files, each refused with {@code file:line: reason} naming the offending line. */
class PolicyErrorsTest {

  private static final String HEADER = "rules:\n  - name: ok\n    on: threads\n";

  static Stream<Arguments> brokenPolicies() {
    return Stream.of(
        Arguments.of("yaml syntax error", HEADER + "  - name: [unclosed\n    on: threads\n", 5, "invalid YAML"),
        Arguments.of("unknown key in rule", HEADER + "  - name: x\n    on: threads\n    effect: deny\n", 6,
            "unknown key 'effect' in rule"),
        Arguments.of("unknown top-level key", "policies: []\n", 1, "unknown key 'policies'"),
        Arguments.of("unknown resource in on", HEADER + "  - name: x\n    on: thread\n", 5, "unknown resource 'thread'"),
        Arguments.of("unknown action in on", HEADER + "  - name: x\n    on: threads.write\n", 5, "unknown action 'write'"),
        Arguments.of("missing name", HEADER + "  - on: threads\n", 4, "rule is missing name"),
        Arguments.of("missing on", HEADER + "  - name: x\n", 4, "rule is missing on"),
        Arguments.of("duplicate name", HEADER + "  - name: ok\n    on: agents\n", 4, "duplicate rule name 'ok' (first at line 2)"),
        Arguments.of("deny with filter", HEADER + "  - name: x\n    on: threads\n    deny: no\n    filter: {a: \"'b'\"}\n",
            7, "a rule that denies cannot also have filter"),
        Arguments.of("CEL syntax error", HEADER + "  - name: x\n    on: threads\n    when: principal.kind ==\n", 6,
            "when: "),
        Arguments.of("CEL type error", HEADER + "  - name: x\n    on: threads\n\n    when: principal.kind + 1\n", 7,
            "when: "),
        Arguments.of("undeclared variable", HEADER + "  - name: x\n    on: threads\n    when: request.kind == 'a'\n", 6,
            "when: undeclared reference to 'request'"),
        Arguments.of("CEL error in metadata", HEADER + "  - name: x\n    on: threads\n    metadata:\n      owner: principal.\n",
            7, "metadata.owner: "),
        Arguments.of("unknown filter operator", HEADER + "  - name: x\n    on: threads\n    filter:\n      owner: {$gt: \"1\"}\n",
            7, "unknown operator '$gt' in filter.owner"),
        Arguments.of("$in of a string", HEADER + "  - name: x\n    on: threads\n    filter:\n      owner: {$in: \"'a'\"}\n",
            7, "filter.owner.$in must be a list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenPolicies")
  void parseWhenPolicyBrokenThenFileLineAndReason(String name, String source, int line, String reason) {
    assertThatThrownBy(() -> Policy.parse(source, "broken.yaml"))
        .isInstanceOfSatisfying(PolicyException.class, e -> {
          assertThat(e.file()).isEqualTo("broken.yaml");
          assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
          assertThat(e.reason()).as(e.getMessage()).contains(reason);
          assertThat(e.getMessage()).isEqualTo("broken.yaml:" + line + ": " + e.reason());
        });
  }

  @Test
  void parseWhenWhenIsNotBoolThenTypeErrorNamesTheTypes() {
    assertThatThrownBy(() -> Policy.parse(HEADER + "    when: principal.kind + 1\n", "t.yaml"))
        .hasMessageStartingWith("t.yaml:4: when: ")
        .hasMessageContaining("bool");
  }

  @Test
  void loadWhenFileThenErrorsNameThePath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, "rules:\n  - name: x\n    on: nowhere\n");
    assertThatThrownBy(() -> Policy.load(file)).hasMessageStartingWith(file + ":3: unknown resource 'nowhere'");
  }

  @Test
  void parseWhenRulesEmptyThenNoRules() {
    assertThat(Policy.parse("rules: []\n", "e.yaml").rules()).isEmpty();
    assertThat(Policy.parse("rules:\n", "e.yaml").rules()).isEmpty();
  }
}

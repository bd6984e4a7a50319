package dev.portcullis.core.authrule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.error.PortcullisException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WorkspaceTemplateTest {

  @Test
  void parseWhenClaimNameThenOneClaim() {
    assertThat(WorkspaceTemplate.parse("sub").claimNames()).containsExactly("sub");
    assertThat(WorkspaceTemplate.parse("https://example.test/org").claimNames()).containsExactly("https://example.test/org");
    assertThat(WorkspaceTemplate.parse("org_id").toString()).isEqualTo("org_id");
  }

  @Test
  void parseWhenTemplateThenLiteralsAndClaimsInOrder() {
    WorkspaceTemplate t = WorkspaceTemplate.parse("tenant-{org_id}:{sub}");
    assertThat(t.parts()).containsExactly(new WorkspaceTemplate.Literal("tenant-"), new WorkspaceTemplate.Claim("org_id"),
        new WorkspaceTemplate.Literal(":"), new WorkspaceTemplate.Claim("sub"));
    assertThat(t.toString()).isEqualTo("tenant-{org_id}:{sub}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      {org_id                | without its '}'
      org_id}                | '}' without its '{'
      {}                     | empty placeholder
      {org_id}{sub}          | literal text between placeholders
      {a{b}}                 | '{' inside a placeholder
      "org id"               | white space
      {a}:{b}:{c}:{d}:{e}:{f}:{g}:{h}:{i} | at most 8 claims
      """)
  void parseWhenSyntaxIsWrongThenInvalidRequestNamingWorkspaceClaim(String value, String problem) {
    assertThatThrownBy(() -> WorkspaceTemplate.parse(value))
        .isInstanceOf(PortcullisException.class)
        .hasMessageContaining("workspace_claim").hasMessageContaining(problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {""})
  void parseWhenEmptyThenInvalidRequest(String value) {
    assertThatThrownBy(() -> WorkspaceTemplate.parse(value)).hasMessageContaining("must not be empty");
  }

  @Test
  void resolveWhenClaimsAreStringsThenFilled() {
    assertThat(WorkspaceTemplate.parse("{org_id}:{sub}").resolve(Map.of("org_id", "acme", "sub", "alice")))
        .isEqualTo(new WorkspaceTemplate.Resolved("acme:alice"));
    assertThat(WorkspaceTemplate.parse("sub").resolve(Map.of("sub", "alice")))
        .isEqualTo(new WorkspaceTemplate.Resolved("alice"));
    assertThat(WorkspaceTemplate.parse("{sub}@{org_id}").resolve(Map.of("org_id", "a@b", "sub", "alice")))
        .as("the last value may contain the separator: the parse stays unique")
        .isEqualTo(new WorkspaceTemplate.Resolved("alice@a@b"));
  }

  @Test
  void resolveWhenClaimIsMissingEmptyOrNotAStringThenMissingClaim() {
    WorkspaceTemplate t = WorkspaceTemplate.parse("{org_id}:{sub}");
    assertThat(t.resolve(Map.of("sub", "alice"))).isEqualTo(new WorkspaceTemplate.MissingClaim("org_id"));
    assertThat(t.resolve(Map.of("org_id", "", "sub", "alice"))).isEqualTo(new WorkspaceTemplate.MissingClaim("org_id"));
    assertThat(t.resolve(Map.of("org_id", 42L, "sub", "alice"))).isEqualTo(new WorkspaceTemplate.MissingClaim("org_id"));
    assertThat(t.resolve(Map.of("org_id", "acme"))).isEqualTo(new WorkspaceTemplate.MissingClaim("sub"));
  }

  @Test
  void resolveWhenAValueContainsItsSeparatorThenAmbiguous() {
    // a:b + c and a + b:c would both be a:b:c: two users in one workspace.
    assertThat(WorkspaceTemplate.parse("{org_id}:{sub}").resolve(Map.of("org_id", "a:b", "sub", "c")))
        .isEqualTo(new WorkspaceTemplate.AmbiguousClaim("org_id", ':'));
  }
}

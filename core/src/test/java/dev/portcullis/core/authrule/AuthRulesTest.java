package dev.portcullis.core.authrule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthRulesTest {

  static AuthRules.Draft draft(String jwksUri, Optional<String> claim, Optional<List<String>> algorithms) {
    return new AuthRules.Draft("Clerk", "https://clerk.example.test", jwksUri, "portcullis-app", claim, algorithms);
  }

  static AuthRule validate(AuthRules.Draft draft) {
    return AuthRules.validate("prj_1", draft, "rul_1", Instant.EPOCH);
  }

  @Test
  void validateWhenOptionalFieldsAreAbsentThenDefaults() {
    AuthRule rule = validate(draft("https://clerk.example.test/.well-known/jwks.json", Optional.empty(), Optional.empty()));
    assertThat(rule.workspaceClaim()).isEqualTo("sub");
    assertThat(rule.algorithms()).containsExactly("RS256", "ES256", "EdDSA");
    assertThat(rule.jwksUri().toString()).isEqualTo("https://clerk.example.test/.well-known/jwks.json");
  }

  @Test
  void validateWhenAlgorithmsRepeatThenKeptOnceInOrder() {
    assertThat(validate(draft("http://127.0.0.1:1/jwks", Optional.of("{org_id}:{sub}"),
        Optional.of(List.of("ES256", "RS256", "ES256")))).algorithms()).containsExactly("ES256", "RS256");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ftp://example.test/jwks          | http or https URL
      file:///etc/passwd                | http or https URL
      /relative/jwks.json               | http or https URL
      https://                          | http or https URL
      'not a url'                       | http or https URL
      https://user:pw@example.test/jwks | user information
      https://example.test/jwks#frag    | fragment
      """)
  void validateWhenJwksUriIsNotAnHttpUrlThenInvalidRequest(String uri, String message) {
    assertThatThrownBy(() -> validate(draft(uri, Optional.empty(), Optional.empty())))
        .isInstanceOfSatisfying(PortcullisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("jwks_uri").hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      none           | "none"
      HS256          | "HS256"
      RS256,hs512    | "hs512"
      RS512          | "RS512"
      PS256          | "PS256"
      """)
  void validateWhenAnAlgorithmIsNotSupportedThenInvalidRequestNamingIt(String algorithms, String named) {
    assertThatThrownBy(() -> validate(draft("https://example.test/jwks", Optional.empty(),
        Optional.of(Arrays.asList(algorithms.split(","))))))
        .isInstanceOf(PortcullisException.class).hasMessageContaining("algorithms").hasMessageContaining(named);
  }

  @Test
  void validateWhenAlgorithmsIsEmptyThenInvalidRequest() {
    assertThatThrownBy(() -> validate(draft("https://example.test/jwks", Optional.empty(), Optional.of(List.of()))))
        .hasMessageContaining("at least one");
  }

  @Test
  void validateWhenRequiredFieldIsBlankThenInvalidRequestNamingIt() {
    assertThatThrownBy(() -> validate(new AuthRules.Draft(" ", "i", "https://e.test/j", "a", Optional.empty(), Optional.empty())))
        .hasMessage("name is required.");
    assertThatThrownBy(() -> validate(new AuthRules.Draft("n", "", "https://e.test/j", "a", Optional.empty(), Optional.empty())))
        .hasMessage("issuer is required.");
    assertThatThrownBy(() -> validate(new AuthRules.Draft("n", "i", "https://e.test/j", null, Optional.empty(), Optional.empty())))
        .hasMessage("audience is required.");
    assertThatThrownBy(() -> validate(new AuthRules.Draft("n", "i", null, "a", Optional.empty(), Optional.empty())))
        .hasMessage("jwks_uri is required.");
    assertThatThrownBy(() -> validate(new AuthRules.Draft("n", " i", "https://e.test/j", "a", Optional.empty(), Optional.empty())))
        .hasMessageContaining("issuer must not start or end with white space");
  }

  @Test
  void validateWhenWorkspaceClaimIsMalformedThenInvalidRequest() {
    assertThatThrownBy(() -> validate(draft("https://example.test/jwks", Optional.of("{org_id"), Optional.empty())))
        .hasMessageContaining("workspace_claim");
  }
}

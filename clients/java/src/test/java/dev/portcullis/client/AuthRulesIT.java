package dev.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Auth rules (identity providers) through the client against a real server: create, list, find and delete. */
class AuthRulesIT {

  static final URI JWKS = URI.create("https://idp.example.com/.well-known/jwks.json");

  @TempDir static Path data;
  static LoopbackServer server;
  static PortcullisClient backend;

  @BeforeAll
  static void start() {
    server = new LoopbackServer(data);
    backend = server.newProject("auth-rules").client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createAuthRuleWhenOptionalFieldsAbsentThenServerDefaults() {
    Instant before = Instant.now().minusSeconds(1);

    AuthRule rule = backend.createAuthRule(NewAuthRule.of("clerk", "https://clerk.example.com", JWKS, "my-app"));

    assertThat(rule.id()).startsWith("rul_");
    assertThat(rule.name()).isEqualTo("clerk");
    assertThat(rule.issuer()).isEqualTo("https://clerk.example.com");
    assertThat(rule.jwksUri()).isEqualTo(JWKS);
    assertThat(rule.audience()).isEqualTo("my-app");
    assertThat(rule.workspaceClaim()).isEqualTo("sub");
    assertThat(rule.algorithms()).containsExactlyInAnyOrder("RS256", "ES256", "EdDSA");
    assertThat(rule.createdAt()).isAfter(before);
  }

  @Test
  void createAuthRuleWhenTemplateAndAlgorithmsGivenThenKept() {
    AuthRule rule = backend.createAuthRule(NewAuthRule.of("auth0", "https://tenant.auth0.com/", JWKS, "api")
        .withWorkspaceClaim("{org_id}:{sub}").withAlgorithms("RS256"));

    assertThat(rule.workspaceClaim()).isEqualTo("{org_id}:{sub}");
    assertThat(rule.algorithms()).containsExactly("RS256");
  }

  @Test
  void createAuthRuleWhenAlgorithmIsNotAllowedThenInvalidRequestNamingIt() {
    NewAuthRule rule = NewAuthRule.of("weak", "https://weak.example.com", JWKS, "api").withAlgorithms("HS256");

    assertThatThrownBy(() -> backend.createAuthRule(rule)).isInstanceOfSatisfying(PortcullisApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo("invalid_request");
      assertThat(e.serverMessage()).contains("HS256");
    });
  }

  @Test
  void findAuthRuleWhenCreatedThenFoundAsCreated() {
    AuthRule rule = backend.createAuthRule(NewAuthRule.of("find-me", "https://find.example.com", JWKS, "api"));

    assertThat(backend.findAuthRule(rule.id())).contains(rule);
  }

  @Test
  void findAuthRuleWhenNoSuchRuleThenEmpty() {
    assertThat(backend.findAuthRule("rul_doesnotexist")).isEmpty();
  }

  @Test
  void deleteAuthRuleWhenDeletedThenNotFoundAndDeletingAgainIsNotFound() {
    AuthRule rule = backend.createAuthRule(NewAuthRule.of("gone", "https://gone.example.com", JWKS, "api"));

    backend.deleteAuthRule(rule.id());

    assertThat(backend.findAuthRule(rule.id())).isEmpty();
    assertThat(backend.listAllAuthRules().map(AuthRule::id)).doesNotContain(rule.id());
    assertThatThrownBy(() -> backend.deleteAuthRule(rule.id())).isInstanceOfSatisfying(PortcullisApiException.class,
        e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("not_found");
        });
  }

  @Test
  void listAuthRulesWhenSeveralPagesThenListAllAndFindReachTheLastPage() {
    PortcullisClient own = server.newProject("many-rules").client();
    int count = PageRequest.MAX_LIMIT + 1;
    List<String> created = IntStream.range(0, count).mapToObj(i -> own.createAuthRule(
        NewAuthRule.of("r" + i, "https://issuer-" + i + ".example.com", JWKS, "api")).id()).toList();

    Page<AuthRule> firstPage = own.listAuthRules(PageRequest.first(PageRequest.MAX_LIMIT));

    assertThat(firstPage.data()).hasSize(PageRequest.MAX_LIMIT);
    assertThat(firstPage.nextCursor()).isPresent();
    assertThat(own.listAllAuthRules().map(AuthRule::id)).containsExactlyElementsOf(created);
    assertThat(own.findAuthRule(created.getLast())).map(AuthRule::name).contains("r" + (count - 1));
  }
}

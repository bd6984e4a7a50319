package dev.portcullis.plugins.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticTokenAuthenticatorTest {

  static final String PROJECT = "prj_3x7Yq0aBcD";

  @TempDir Path dir;
  Path file;
  StaticTokenAuthenticator authenticator;

  @BeforeEach
  void readTheFile() throws IOException {
    file = write("""
        # token=user,project
        user1-token=user1,%s

        user2-token = user2 , %s
        """.formatted(PROJECT, PROJECT));
    authenticator = new StaticTokenAuthenticator(file);
  }

  Path write(String content) throws IOException {
    Path f = dir.resolve("tokens-" + System.nanoTime() + ".properties");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  static AuthnRequest bearer(String token) {
    return AuthnRequest.of(new Credential(token, Credential.Source.AUTHORIZATION_HEADER));
  }

  static AuthnRequest header(String token) {
    return new AuthnRequest(Optional.empty(), Map.of("x-example-token", List.of(token)));
  }

  static Principal principal(AuthnResult result) {
    assertThat(result).isInstanceOf(AuthnResult.Authenticated.class);
    return ((AuthnResult.Authenticated) result).principal();
  }

  @Test
  void authenticateWhenKnownBearerTokenThenCustomPrincipalOfItsUserProjectAndWorkspace() {
    Principal p = principal(authenticator.authenticate(bearer("user1-token")));
    assertThat(p.kind()).isEqualTo(Principal.Kind.CUSTOM);
    assertThat(p.identity()).isEqualTo("user1");
    assertThat(p.projectId()).hasValue(PROJECT);
    assertThat(p.workspaceId()).hasValue("user1");
    assertThat(p.expiresAt()).isEmpty();
  }

  @Test
  void authenticateWhenEntryHasSpacesAroundFieldsThenTheyAreTrimmed() {
    Principal p = principal(authenticator.authenticate(bearer("user2-token")));
    assertThat(p.identity()).isEqualTo("user2");
    assertThat(p.projectId()).hasValue(PROJECT);
  }

  @Test
  void authenticateWhenKnownTokenThenCredentialIdIsADigestNeverTheToken() {
    Principal p = principal(authenticator.authenticate(bearer("user1-token")));
    assertThat(p.credentialId()).startsWith("sha256:").hasSize("sha256:".length() + 32).doesNotContain("user1-token");
    assertThat(p.toString()).doesNotContain("user1-token");
    // sha256("user1-token"), first 16 bytes: stable across restarts and servers
    assertThat(p.credentialId()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(sha256("user1-token"), 0, 16));
    assertThat(principal(authenticator.authenticate(bearer("user2-token"))).credentialId()).isNotEqualTo(p.credentialId());
  }

  @Test
  void authenticateWhenTokenInExampleHeaderWithoutAuthorizationThenAuthenticated() {
    assertThat(principal(authenticator.authenticate(header("user2-token"))).identity()).isEqualTo("user2");
  }

  @Test
  void authenticateWhenExampleHeaderNameInAnyCaseThenFound() {
    AuthnRequest request = new AuthnRequest(Optional.empty(), Map.of("X-EXAMPLE-TOKEN", List.of("user1-token")));
    assertThat(principal(authenticator.authenticate(request)).identity()).isEqualTo("user1");
  }

  @Test
  void authenticateWhenUnknownTokenOfItsFormatThenRejectedInvalidToken() {
    assertThat(authenticator.authenticate(bearer("nobody-token")))
        .isEqualTo(new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "Invalid token"));
  }

  @Test
  void authenticateWhenUnknownValueInItsHeaderThenRejectedWhateverItsFormat() {
    assertThat(authenticator.authenticate(header("nobody-token"))).isInstanceOf(AuthnResult.Rejected.class);
    assertThat(authenticator.authenticate(header("pc_sk_abc"))).isInstanceOf(AuthnResult.Rejected.class);
    assertThat(authenticator.authenticate(header(""))).isInstanceOf(AuthnResult.Rejected.class);
  }

  @Test
  void authenticateWhenCredentialIsNotOfItsFormatThenAbstains() {
    for (String other : List.of("pc_sk_0123456789abcdef", "pc_ak_x-token", "eyJhbGciOiJFZERTQSJ9.e30.sig",
        "eyJ-token", "user1", "-token", "someone-else's-key")) {
      assertThat(authenticator.authenticate(bearer(other))).as(other).isInstanceOf(AuthnResult.Abstained.class);
    }
  }

  @Test
  void authenticateWhenNoCredentialAndNoHeaderThenAbstains() {
    assertThat(authenticator.authenticate(new AuthnRequest(Optional.empty(), Map.of("Accept", List.of("*/*")))))
        .isInstanceOf(AuthnResult.Abstained.class);
  }

  @Test
  void authenticateWhenHeaderBesideABearerCredentialThenRejected() {
    AuthnRequest both = new AuthnRequest(
        Optional.of(new Credential("user1-token", Credential.Source.AUTHORIZATION_HEADER)),
        Map.of(StaticTokenAuthenticator.HEADER, List.of("user2-token")));
    AuthnResult result = authenticator.authenticate(both);
    assertThat(result).isInstanceOf(AuthnResult.Rejected.class);
    assertThat(((AuthnResult.Rejected) result).message()).doesNotContain("user1-token", "user2-token");
  }

  @Test
  void authenticateWhenHeaderBesideTheSessionCookieThenTheHeaderDecides() {
    AuthnRequest request = new AuthnRequest(Optional.of(new Credential("stale-token", Credential.Source.COOKIE)),
        Map.of(StaticTokenAuthenticator.HEADER, List.of("user2-token")));
    assertThat(principal(authenticator.authenticate(request)).identity()).isEqualTo("user2");
  }

  @Test
  void authenticateWhenTokenInSessionCookieThenAuthenticated() {
    AuthnRequest request = AuthnRequest.of(new Credential("user1-token", Credential.Source.COOKIE));
    assertThat(principal(authenticator.authenticate(request)).identity()).isEqualTo("user1");
  }

  @Test
  void readWhenFileMissingThenFailsNamingTheFile() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> new StaticTokenAuthenticator(missing))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
  }

  @Test
  void readWhenLineMalformedThenFailsNamingTheLineButNotTheToken() throws IOException {
    Map<String, String> bad = Map.of(
        "secret-token\n", "line 1",
        "# c\nsecret-token=user1\n", "line 2",
        "secret-token=user1,prj_a,extra\n", "line 1",
        "secretvalue=user1," + PROJECT + "\n", "must end in -token",
        "secret-token=us er," + PROJECT + "\n", "user",
        "secret-token=user1,project\n", "prj_",
        "secret-token=a," + PROJECT + "\nsecret-token=b," + PROJECT + "\n", "line 2: repeats the token of line 1");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Path f = write(e.getKey());
      assertThatThrownBy(() -> new StaticTokenAuthenticator(f)).as(e.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(f.toString())
          .hasMessageContaining(e.getValue())
          .message().doesNotContain("secret");
    }
  }

  @Test
  void readWhenFileEmptyThenEveryTokenOfItsFormatIsRejected() throws IOException {
    StaticTokenAuthenticator none = new StaticTokenAuthenticator(write("# nobody yet\n"));
    assertThat(none.authenticate(bearer("user1-token"))).isInstanceOf(AuthnResult.Rejected.class);
  }

  @Test
  void configuredFileWhenPropertySetThenItWinsOverTheEnvironment() {
    assertThat(StaticTokenAuthenticator.configuredFile("/a", "/b")).isEqualTo(Path.of("/a"));
    assertThat(StaticTokenAuthenticator.configuredFile(null, "/b")).isEqualTo(Path.of("/b"));
    assertThat(StaticTokenAuthenticator.configuredFile(" ", "/b")).isEqualTo(Path.of("/b"));
  }

  @Test
  void configuredFileWhenNeitherSetThenFailsNamingTheVariable() {
    assertThatThrownBy(() -> StaticTokenAuthenticator.configuredFile(null, null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(StaticTokenAuthenticator.FILE_ENV);
  }

  @Test
  void serviceFileWhenReadByServiceLoaderThenListsThisAuthenticator() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/services/" + Authenticator.class.getName())) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo(StaticTokenAuthenticator.class.getName());
    }
    System.setProperty(StaticTokenAuthenticator.FILE_PROPERTY, file.toString());
    try {
      assertThat(ServiceLoader.load(Authenticator.class).stream().map(ServiceLoader.Provider::get).toList())
          .singleElement().isInstanceOf(StaticTokenAuthenticator.class)
          .satisfies(a -> assertThat(principal(a.authenticate(bearer("user1-token"))).identity()).isEqualTo("user1"));
    } finally {
      System.clearProperty(StaticTokenAuthenticator.FILE_PROPERTY);
    }
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

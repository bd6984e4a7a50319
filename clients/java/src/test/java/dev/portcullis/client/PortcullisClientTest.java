package dev.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's configuration and the pieces of its requests, without a server. */
class PortcullisClientTest {

  static final String KEY = "pc_sk_secretsecretsecret";

  @Test
  void buildWhenBaseUrlMissingThenNamesIt() {
    assertThatThrownBy(() -> PortcullisClient.builder().credential(KEY).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("baseUrl");
  }

  @Test
  void buildWhenCredentialMissingThenNamesIt() {
    assertThatThrownBy(() -> PortcullisClient.builder().baseUrl(URI.create("http://127.0.0.1:8080")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("credential");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com", "/relative", "http://example.com/?a=b", "http://example.com/#top",
      "https://user:s3cret@example.com"})
  void baseUrlWhenNotAPlainHttpUrlThenRefused(String url) {
    assertThatThrownBy(() -> PortcullisClient.builder().baseUrl(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseUrl").hasMessageNotContaining("s3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "pc_sk_abc\r\nX-Injected: 1", "pc_sk_abc def"})
  void credentialWhenBlankOrHoldsWhiteSpaceThenRefusedWithoutEchoingIt(String credential) {
    assertThatThrownBy(() -> PortcullisClient.builder().credential(credential))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("pc_sk_abc");
  }

  @Test
  void requestTimeoutWhenZeroThenRefused() {
    assertThatThrownBy(() -> PortcullisClient.builder().requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
  }

  @Test
  void toStringWhenClientBuiltThenNamesServerButNotCredential() {
    PortcullisClient client = PortcullisClient.builder().baseUrl(URI.create("https://auth.example.com/"))
        .credential(KEY).build();

    assertThat(client.toString()).contains("https://auth.example.com").doesNotContain(KEY);
  }

  @ParameterizedTest
  @CsvSource({
      "agt_3kQm0b8Z, agt_3kQm0b8Z",
      "../me, ..%2Fme",
      "a?b#c, a%3Fb%23c",
      "a b/é, a%20b%2F%C3%A9"})
  void segmentWhenIdHoldsReservedCharactersThenPercentEncodedIntoOneSegment(String id, String segment) {
    assertThat(PortcullisClient.segment(id)).isEqualTo(segment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", ".."})
  void segmentWhenIdIsEmptyOrADotSegmentThenRefused(String id) {
    assertThatThrownBy(() -> PortcullisClient.segment(id)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, PageRequest.MAX_LIMIT + 1})
  void pageRequestWhenLimitOutOfRangeThenRefused(int limit) {
    assertThatThrownBy(() -> PageRequest.first(limit)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void pageRequestNextWhenGivenACursorThenSameLimitAfterIt() {
    assertThat(PageRequest.first(7).next("c2")).isEqualTo(new PageRequest(7, Optional.of("c2")));
  }
}

package dev.portcullis.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The API's {@code limit} and {@code after} parameters; how stores honour them is in {@code StoreContract}. */
class PageRequestTest {

  @Test
  void parseWhenNothingGivenThenDefaultLimitFromTheStart() {
    assertThat(PageRequest.parse(Optional.empty(), Optional.empty()))
        .isEqualTo(new PageRequest(PageRequest.DEFAULT_LIMIT, 0));
  }

  @Test
  void parseWhenCursorWasEncodedThenSamePosition() {
    PageRequest page = PageRequest.parse(Optional.of("200"), Optional.of(PageRequest.encodeCursor(42)));

    assertThat(page).isEqualTo(new PageRequest(200, 42));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "201", "abc", "1.5", "", " 2", "99999999999"})
  void parseWhenLimitIsBadThenInvalidRequest(String limit) {
    assertThatThrownBy(() -> PageRequest.parse(Optional.of(limit), Optional.empty()))
        .isInstanceOfSatisfying(PortcullisException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @ParameterizedTest
  @ValueSource(strings = {"!!!", "czQy=x", "s 4"})
  void parseWhenCursorIsNotBase64ThenInvalidRequest(String cursor) {
    assertInvalidCursor(cursor);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x5", "s", "s-1", "sabc", "s4.2", "s99999999999999999999"})
  void parseWhenCursorDoesNotHoldAPositionThenInvalidRequest(String content) {
    assertInvalidCursor(Base64.getUrlEncoder().withoutPadding()
        .encodeToString(content.getBytes(StandardCharsets.US_ASCII)));
  }

  private static void assertInvalidCursor(String cursor) {
    assertThatThrownBy(() -> PageRequest.parse(Optional.empty(), Optional.of(cursor)))
        .isInstanceOfSatisfying(PortcullisException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.getMessage()).isEqualTo("after is not a valid cursor.");
        });
  }
}

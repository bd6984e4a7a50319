package dev.portcullis.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpaqueSecretsTest {

  @Test
  void mintWhenCalledThenPrefixedBase62WithValidChecksum() {
    OpaqueSecrets.Minted minted = OpaqueSecrets.mint(SecretKind.SERVER_KEY);
    assertThat(minted.value()).startsWith("pc_sk_").hasSize(6 + 43 + 6).matches("pc_sk_[0-9A-Za-z]{49}");
    assertThat(OpaqueSecrets.isWellFormed(minted.value(), SecretKind.SERVER_KEY)).isTrue();
    assertThat(minted.displayPrefix()).isEqualTo(minted.value().substring(0, 10));
    assertThat(minted.hash()).isEqualTo(OpaqueSecrets.hash(minted.value())).matches("[0-9a-f]{64}");
    assertThat(minted.toString()).doesNotContain(minted.value());
  }

  @Test
  void mintWhenCalledManyTimesThenNeverRepeats() {
    Set<String> values = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      values.add(OpaqueSecrets.mint(SecretKind.CLIENT_TOKEN).value());
    }
    assertThat(values).hasSize(2000);
  }

  @Test
  void isWellFormedWhenAnyCharacterChangedThenFalse() {
    String value = OpaqueSecrets.mint(SecretKind.ADMIN_KEY).value();
    for (int i = 6; i < value.length(); i++) {
      char c = value.charAt(i);
      String changed = value.substring(0, i) + (c == 'x' ? 'y' : 'x') + value.substring(i + 1);
      assertThat(OpaqueSecrets.isWellFormed(changed, SecretKind.ADMIN_KEY)).as("changed at %d", i).isFalse();
    }
  }

  @Test
  void isWellFormedWhenWrongKindLengthOrAlphabetThenFalse() {
    String value = OpaqueSecrets.mint(SecretKind.SERVER_KEY).value();
    assertThat(OpaqueSecrets.isWellFormed(value, SecretKind.ADMIN_KEY)).isFalse();
    assertThat(OpaqueSecrets.isWellFormed(value + "a", SecretKind.SERVER_KEY)).isFalse();
    assertThat(OpaqueSecrets.isWellFormed(value.substring(0, value.length() - 1), SecretKind.SERVER_KEY)).isFalse();
    assertThat(OpaqueSecrets.isWellFormed("pc_sk_" + "-".repeat(49), SecretKind.SERVER_KEY)).isFalse();
    assertThat(OpaqueSecrets.isWellFormed("", SecretKind.SERVER_KEY)).isFalse();
  }

  @Test
  void kindOfWhenPrefixKnownThenThatKind() {
    assertThat(OpaqueSecrets.kindOf("pc_ck_anything")).contains(SecretKind.CLIENT_TOKEN);
    assertThat(OpaqueSecrets.kindOf("eyJhbGciOi")).isEmpty();
  }

  @Test
  void resourceIdWhenGeneratedThenPrefixedAndUnique() {
    assertThat(ResourceIds.next("agt_")).matches("agt_[0-9A-Za-z]{22}");
    assertThat(ResourceIds.next("agt_")).isNotEqualTo(ResourceIds.next("agt_"));
  }
}

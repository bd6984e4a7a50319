package dev.portcullis.core.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterConditionTest {

  @Test
  void fromSpecWhenPlainValueThenEquals() {
    assertThat(FilterCondition.fromSpec("owner", "ws_1")).isEqualTo(new FilterCondition.Equals("owner", "ws_1"));
  }

  @Test
  void fromSpecWhenOperatorsThenEachCondition() {
    assertThat(FilterCondition.fromSpec("k", Map.of("$eq", 1L))).isEqualTo(new FilterCondition.Equals("k", 1L));
    assertThat(FilterCondition.fromSpec("k", Map.of("$ne", "x"))).isEqualTo(new FilterCondition.NotEquals("k", "x"));
    assertThat(FilterCondition.fromSpec("k", Map.of("$in", List.of("a", "b"))))
        .isEqualTo(new FilterCondition.In("k", List.of("a", "b")));
    assertThat(FilterCondition.fromSpec("k", Map.of("$contains", "a"))).isEqualTo(new FilterCondition.Contains("k", "a"));
  }

  @Test
  void fromSpecWhenUnknownOperatorOrInWithoutListThenRefused() {
    assertThatThrownBy(() -> FilterCondition.fromSpec("k", Map.of("$gt", 1))).hasMessageContaining("unknown operator $gt");
    assertThatThrownBy(() -> FilterCondition.fromSpec("k", Map.of("$in", "a"))).hasMessageContaining("$in needs a list");
    assertThatThrownBy(() -> FilterCondition.fromSpec("k", Map.of("$eq", 1, "$ne", 2))).hasMessageContaining("must be a value");
  }
}

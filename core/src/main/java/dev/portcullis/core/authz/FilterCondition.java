package dev.portcullis.core.authz;

import java.util.List;
import java.util.Objects;

/**
 * One condition of a {@link ResourceFilter} on a key of a resource's {@code metadata} (API.md
 * section 7: equality, {@code $eq}, {@code $ne}, {@code $in}, {@code $contains}). Values are
 * JSON values: strings, numbers, booleans. Immutable.
 */
public sealed interface FilterCondition {

  /** The metadata key the condition reads. */
  String key();

  /** {@code metadata[key]} is present and equal to {@code value} (also plain equality). */
  record Equals(String key, Object value) implements FilterCondition {
    public Equals {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code metadata[key]} is absent or differs from {@code value}. */
  record NotEquals(String key, Object value) implements FilterCondition {
    public NotEquals {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code metadata[key]} is present and equal to one of {@code values}; none when empty. */
  record In(String key, List<Object> values) implements FilterCondition {
    public In {
      Objects.requireNonNull(key, "key");
      values = List.copyOf(values);
    }
  }

  /** {@code metadata[key]} is a list holding an element equal to {@code value}. */
  record Contains(String key, Object value) implements FilterCondition {
    public Contains {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }
}

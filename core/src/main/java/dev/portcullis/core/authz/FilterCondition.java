package dev.portcullis.core.authz;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One condition of a {@link ResourceFilter} on a key of a resource's {@code metadata} (API.md
 * section 7: equality, {@code $eq}, {@code $ne}, {@code $in}, {@code $contains}). Values are
 * JSON values: strings, numbers, booleans. Immutable.
 */
public sealed interface FilterCondition {

  /** The metadata key the condition reads. */
  String key();

  /**
   * The condition a filter entry states, for policy rules and {@code AuthorizationHandler}s
   * alike: a plain value is {@link Equals}; a map with the single key {@code $eq}, {@code $ne},
   * {@code $in} (whose value is a list) or {@code $contains} is that operator.
   *
   * @throws IllegalArgumentException for another operator, a map of several keys, a null
   *     value, or {@code $in} without a list
   */
  static FilterCondition fromSpec(String key, Object spec) {
    Objects.requireNonNull(key, "key");
    if (spec == null) {
      throw new IllegalArgumentException("filter " + key + " has no value");
    }
    if (!(spec instanceof Map<?, ?> operator)) {
      return new Equals(key, spec);
    }
    if (operator.size() != 1) {
      throw new IllegalArgumentException(
          "filter " + key + " must be a value or one of $eq, $ne, $in, $contains; got " + operator.keySet());
    }
    Map.Entry<?, ?> entry = operator.entrySet().iterator().next();
    Object value = entry.getValue();
    if (value == null) {
      throw new IllegalArgumentException("filter " + key + " " + entry.getKey() + " has no value");
    }
    return switch (String.valueOf(entry.getKey())) {
      case "$eq" -> new Equals(key, value);
      case "$ne" -> new NotEquals(key, value);
      case "$contains" -> new Contains(key, value);
      case "$in" -> {
        if (!(value instanceof Collection<?> values)) {
          throw new IllegalArgumentException("filter " + key + " $in needs a list, got " + value);
        }
        yield new In(key, List.<Object>copyOf(values));
      }
      default -> throw new IllegalArgumentException(
          "filter " + key + " has unknown operator " + entry.getKey() + "; expected $eq, $ne, $in or $contains");
    };
  }

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

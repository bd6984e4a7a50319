package dev.portcullis.core.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A restriction on which stored resources a caller may see: a resource passes when it meets
 * every one of {@code conditions} on its metadata (API.md section 7: filters are combined with
 * AND) and every one of {@code idRestrictions} on its own columns (a client token's grants).
 * Stores apply it inside their SQL, never after loading. Immutable.
 */
public record ResourceFilter(List<FilterCondition> conditions, List<IdRestriction> idRestrictions) {

  public static final ResourceFilter NONE = new ResourceFilter(List.of());

  public ResourceFilter {
    conditions = List.copyOf(conditions);
    idRestrictions = List.copyOf(idRestrictions);
  }

  /** A filter on metadata only. */
  public ResourceFilter(List<FilterCondition> conditions) {
    this(conditions, List.of());
  }

  /** A filter on the resources' own columns only. */
  public static ResourceFilter of(IdRestriction restriction) {
    return new ResourceFilter(List.of(), List.of(restriction));
  }

  /** A filter of one {@link FilterCondition.Equals} per entry. */
  public static ResourceFilter metadataEquals(Map<String, Object> equals) {
    return new ResourceFilter(equals.entrySet().stream()
        .<FilterCondition>map(e -> new FilterCondition.Equals(e.getKey(), e.getValue())).toList());
  }

  /** Whether this filter lets everything through. */
  public boolean isNone() {
    return conditions.isEmpty() && idRestrictions.isEmpty();
  }

  /** The resources that pass both this filter and {@code other}. */
  public ResourceFilter and(ResourceFilter other) {
    if (other.isNone()) {
      return this;
    }
    if (isNone()) {
      return other;
    }
    List<FilterCondition> both = new ArrayList<>(conditions);
    both.addAll(other.conditions);
    List<IdRestriction> restrictions = new ArrayList<>(idRestrictions);
    restrictions.addAll(other.idRestrictions);
    return new ResourceFilter(both, restrictions);
  }
}

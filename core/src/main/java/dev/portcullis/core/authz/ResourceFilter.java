package dev.portcullis.core.authz;

import java.util.Map;

/**
 * A restriction on which stored resources a caller may see: every key of
 * {@code metadataEquals} must be present in the resource's metadata with an equal value.
 * Stores apply it inside their SQL, never after loading. Immutable.
 */
public record ResourceFilter(Map<String, Object> metadataEquals) {

  public static final ResourceFilter NONE = new ResourceFilter(Map.of());

  public ResourceFilter {
    metadataEquals = Map.copyOf(metadataEquals);
  }
}

package dev.portcullis.core.authz;

import java.util.Objects;

/**
 * What a read or write of agents and threads is confined to: one project, and within it the
 * resources that pass {@code filter}. Every store method on agents and threads takes one.
 */
public record Scope(String projectId, ResourceFilter filter) {

  public Scope {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(filter, "filter");
  }

  public static Scope project(String projectId) {
    return new Scope(projectId, ResourceFilter.NONE);
  }
}

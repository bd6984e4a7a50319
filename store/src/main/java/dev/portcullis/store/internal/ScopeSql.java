package dev.portcullis.store.internal;

import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A WHERE clause that confines a query to a {@link Scope}: the project, and every metadata
 * condition of its filter, all as bound parameters.
 */
record ScopeSql(String where, List<Object> params) {

  static ScopeSql of(Database db, Scope scope) {
    List<Object> params = new ArrayList<>();
    params.add(scope.projectId());
    StringBuilder where = new StringBuilder("project_id = ?");
    for (FilterCondition condition : scope.filter().conditions()) {
      switch (condition) {
        case FilterCondition.Equals e -> appendMetadata(db, Map.of(e.key(), e.value()), where, params);
        default -> throw new UnsupportedOperationException("filter condition not yet in SQL: " + condition);
      }
    }
    return new ScopeSql(where.toString(), params);
  }

  /** Adds {@code AND metadata.key = value} for each entry. */
  static void appendMetadata(Database db, Map<String, Object> equals, StringBuilder where, List<Object> params) {
    for (Map.Entry<String, Object> e : equals.entrySet()) {
      where.append(" AND ").append(db.metadataEquals("metadata"));
      params.add(db.metadataKey(e.getKey()));
      params.add(Database.toJson(e.getValue()));
    }
  }

  /** This clause with {@code AND id = ?} for {@code id}. */
  ScopeSql andId(String id) {
    List<Object> p = new ArrayList<>(params);
    p.add(id);
    return new ScopeSql(where + " AND id = ?", p);
  }

  Object[] paramsArray() {
    return params.toArray();
  }
}

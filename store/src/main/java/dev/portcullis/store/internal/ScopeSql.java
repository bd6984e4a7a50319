package dev.portcullis.store.internal;

import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.store.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A WHERE clause that confines a query to a {@link Scope}: the project, and every metadata
 * condition of its filter, all as bound parameters (keys too, except the indexed ones that
 * {@link Database#metadataValue} names as constants).
 */
record ScopeSql(String where, List<Object> params) {

  static ScopeSql of(Database db, Scope scope) {
    List<Object> params = new ArrayList<>();
    params.add(scope.projectId());
    StringBuilder where = new StringBuilder("project_id = ?");
    for (FilterCondition condition : scope.filter().conditions()) {
      append(db, condition, where, params);
    }
    return new ScopeSql(where.toString(), params);
  }

  /** Adds {@code AND metadata.key = value} for each entry. */
  static void appendMetadata(Database db, Map<String, Object> equals, StringBuilder where, List<Object> params) {
    for (Map.Entry<String, Object> e : equals.entrySet()) {
      append(db, new FilterCondition.Equals(e.getKey(), e.getValue()), where, params);
    }
  }

  /** Adds {@code AND <condition>}, comparing JSON values as {@link Database#metadataValue} does. */
  static void append(Database db, FilterCondition condition, StringBuilder where, List<Object> params) {
    boolean postgres = db.dialect() == Dialect.POSTGRES;
    where.append(" AND ");
    switch (condition) {
      case FilterCondition.Equals e -> {
        where.append(db.metadataValue(e.key(), params)).append(" = ").append(db.jsonParam());
        params.add(Database.toJson(e.value()));
      }
      case FilterCondition.NotEquals n -> {
        // An absent key is NULL, which IS DISTINCT FROM (IS NOT) every value: it passes.
        where.append(db.metadataValue(n.key(), params))
            .append(postgres ? " IS DISTINCT FROM " : " IS NOT ").append(db.jsonParam());
        params.add(Database.toJson(n.value()));
      }
      case FilterCondition.In in when in.values().isEmpty() -> where.append("1 = 0");
      case FilterCondition.In in -> {
        where.append(db.metadataValue(in.key(), params)).append(" IN (");
        for (int i = 0; i < in.values().size(); i++) {
          where.append(i == 0 ? "" : ", ").append(db.jsonParam());
          params.add(Database.toJson(in.values().get(i)));
        }
        where.append(')');
      }
      case FilterCondition.Contains c -> {
        String list = db.metadataValue(c.key(), params);
        if (postgres) {
          // The CASE keeps jsonb_array_elements from failing on a value that is not an array.
          where.append("EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(").append(list)
              .append(") = 'array' THEN ").append(db.metadataValue(c.key(), params))
              .append(" END) AS e(v) WHERE e.v = ?::jsonb)");
        } else {
          // json_each also walks an object's members and yields a scalar itself: the type check
          // keeps arrays only; e.json -> e.fullkey is the element as JSON text, compared as Equals does.
          where.append("EXISTS (SELECT 1 FROM json_each(").append(list)
              .append(") AS e WHERE json_type(e.json) = 'array' AND (e.json -> e.fullkey) = json(?))");
        }
        params.add(Database.toJson(c.value()));
      }
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

package dev.portcullis.store.internal;

import dev.portcullis.core.authz.FilterCondition;
import dev.portcullis.core.authz.IdRestriction;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.store.Dialect;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A WHERE clause that confines a query to a {@link Scope}: the project, every metadata
 * condition of its filter, and every id restriction of it, all as bound parameters (keys too,
 * except the indexed ones that {@link Database#metadataValue} names as constants). A statement
 * on agents or threads takes its clause from {@link #agents} or {@link #threads}, never builds
 * its own, so that no part of a filter can be left out.
 */
record ScopeSql(String where, List<Object> params) {

  /** The clause for a statement on the {@code agents} table, which has no {@code agent_id}. */
  static ScopeSql agents(Database db, Scope scope) {
    return of(db, scope, false);
  }

  /** The clause for a statement on the {@code threads} table. */
  static ScopeSql threads(Database db, Scope scope) {
    return of(db, scope, true);
  }

  private static ScopeSql of(Database db, Scope scope, boolean hasAgentId) {
    List<Object> params = new ArrayList<>();
    params.add(scope.projectId());
    StringBuilder where = new StringBuilder("project_id = ?");
    for (FilterCondition condition : scope.filter().conditions()) {
      append(db, condition, where, params);
    }
    for (IdRestriction restriction : scope.filter().idRestrictions()) {
      append(restriction, hasAgentId, where, params);
    }
    return new ScopeSql(where.toString(), params);
  }

  /**
   * Adds {@code AND (id IN (...) OR agent_id IN (...))}, each part only when it has values,
   * and {@code AND 1 = 0} when neither has. On a table without {@code agent_id} the agent ids
   * are left out: an agent's own id is all it can be restricted by, and leaving out one side
   * of an OR can only let fewer rows through.
   */
  private static void append(IdRestriction restriction, boolean hasAgentId, StringBuilder where, List<Object> params) {
    List<String> parts = new ArrayList<>(2);
    if (!restriction.ids().isEmpty()) {
      parts.add(in("id", restriction.ids(), params));
    }
    if (hasAgentId && !restriction.agentIds().isEmpty()) {
      parts.add(in("agent_id", restriction.agentIds(), params));
    }
    where.append(parts.isEmpty() ? " AND 1 = 0" : " AND (" + String.join(" OR ", parts) + ")");
  }

  private static String in(String column, Set<String> values, List<Object> params) {
    // Sorted, so that the same restriction gives the same statement text every time.
    List<String> sorted = values.stream().sorted().toList();
    params.addAll(sorted);
    return column + " IN (" + String.join(", ", Collections.nCopies(sorted.size(), "?")) + ")";
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

package dev.portcullis.store.internal;

import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Keyset pagination on the {@code seq} column: exact under concurrent inserts and deletes. */
final class Paging {

  private Paging() {}

  /** A row with its position. */
  record Positioned<T>(long seq, T value) {}

  static <T> Database.RowMapper<Positioned<T>> positioned(Database.RowMapper<T> mapper) {
    return rs -> new Positioned<>(rs.getLong("seq"), mapper.map(rs));
  }

  /**
   * Runs {@code sqlBeforeOrder} (which must select {@code seq} and end in a WHERE clause) with
   * {@code AND seq > ? ORDER BY seq LIMIT ?} appended.
   */
  static <T> Page<T> page(Database db, String sqlBeforeOrder, Database.RowMapper<T> mapper,
      PageRequest page, List<Object> params) {
    List<Positioned<T>> rows = db.query(sql(sqlBeforeOrder), positioned(mapper), params(params, page).toArray());
    boolean more = rows.size() > page.limit();
    List<Positioned<T>> shown = more ? rows.subList(0, page.limit()) : rows;
    Optional<String> next = more
        ? Optional.of(PageRequest.encodeCursor(shown.getLast().seq()))
        : Optional.empty();
    return new Page<>(shown.stream().map(Positioned::value).toList(), next);
  }

  /** {@code sqlBeforeOrder} with the keyset condition, order and limit of {@link #page}. */
  static String sql(String sqlBeforeOrder) {
    return sqlBeforeOrder + " AND seq > ? ORDER BY seq LIMIT ?";
  }

  /** {@code params} followed by those of {@link #sql}: one row more than the page, to know if another follows. */
  static List<Object> params(List<Object> params, PageRequest page) {
    List<Object> all = new ArrayList<>(params);
    all.add(page.afterSeq());
    all.add(page.limit() + 1);
    return all;
  }
}

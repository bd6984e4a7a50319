package dev.portcullis.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Which page of a list to fetch: at most {@code limit} items after the cursor {@code after}
 * (API.md section 1). Start with {@link #first(int)} and go on with {@link #next(String)}:
 * <pre>{@code
 * PageRequest request = PageRequest.first(50);
 * Page<Agent> page = client.listAgents(request);
 * Optional<PageRequest> following = page.nextCursor().map(request::next);
 * }</pre>
 *
 * @param limit 1 to {@value #MAX_LIMIT}
 * @param after the {@link Page#nextCursor()} of the previous page; empty for the first page
 */
public record PageRequest(int limit, Optional<String> after) {

  /** The largest page the API serves. */
  public static final int MAX_LIMIT = 200;

  /** @throws IllegalArgumentException when {@code limit} is not between 1 and {@value #MAX_LIMIT} */
  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
    }
    Objects.requireNonNull(after, "after");
  }

  /** The first page, of at most {@code limit} items. */
  public static PageRequest first(int limit) {
    return new PageRequest(limit, Optional.empty());
  }

  /** The page after the one whose {@link Page#nextCursor()} is {@code cursor}, of the same size. */
  public PageRequest next(String cursor) {
    return new PageRequest(limit, Optional.of(cursor));
  }
}

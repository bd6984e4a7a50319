package dev.portcullis.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a list (API.md section 1), oldest first.
 *
 * @param data at most the requested number of items
 * @param nextCursor the cursor of the next page, for {@link PageRequest#next(String)}; empty on the last page
 */
public record Page<T>(List<T> data, Optional<String> nextCursor) {

  public Page {
    data = List.copyOf(data);
    Objects.requireNonNull(nextCursor, "nextCursor");
  }
}

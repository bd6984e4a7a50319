package dev.portcullis.core.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One page of results and the cursor of the next page, empty on the last page. */
public record Page<T>(List<T> data, Optional<String> nextCursor) {

  public Page {
    data = List.copyOf(data);
  }

  public <R> Page<R> map(Function<? super T, ? extends R> f) {
    return new Page<>(data.stream().<R>map(f).toList(), nextCursor);
  }
}

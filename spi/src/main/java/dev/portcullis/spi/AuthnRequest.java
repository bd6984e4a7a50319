package dev.portcullis.spi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an {@link Authenticator} is shown of a request: its bearer credential, when it carries
 * one, and its headers (for schemes that use their own header). Immutable.
 *
 * @param credential the one bearer credential of the request, if any
 * @param headers request headers by name; {@link #header} looks them up case-insensitively
 */
public record AuthnRequest(Optional<Credential> credential, Map<String, List<String>> headers) {

  public AuthnRequest {
    Objects.requireNonNull(credential, "credential");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    headers = java.util.Collections.unmodifiableMap(copy);
  }

  /** A request that carries only {@code credential}. */
  public static AuthnRequest of(Credential credential) {
    return new AuthnRequest(Optional.of(credential), Map.of());
  }

  /** The first value of header {@code name}, whatever its case. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  @Override
  public String toString() {
    return "AuthnRequest[credential=" + credential + ", headers=" + headers.keySet() + "]";
  }
}

package dev.portcullis.core.clienttoken;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Origins as API.md section 5 compares them: {@code scheme://host[:port]}, scheme and host
 * lower-cased, the scheme's default port left out, nothing else (no path, query, user info).
 */
public final class Origins {

  private Origins() {}

  /**
   * A client token's {@code hostname} in its compared form.
   *
   * @throws IllegalArgumentException saying what is wrong, for anything but an http(s) origin
   */
  public static String normalize(String hostname) {
    URI uri;
    try {
      uri = new URI(hostname.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("hostname must be scheme://host[:port], such as https://app.example.com.");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("hostname must start with https:// or http://.");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
        || uri.getRawFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
      throw new IllegalArgumentException("hostname must be scheme://host[:port] with nothing after the port.");
    }
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /** The origin a request's {@code Origin} header, or else its {@code Referer}, names; empty if neither does. */
  public static Optional<String> ofRequest(String originHeader, String refererHeader) {
    if (originHeader != null && !originHeader.isBlank() && !originHeader.equals("null")) {
      return parse(originHeader);
    }
    if (refererHeader != null && !refererHeader.isBlank()) {
      try {
        URI referer = new URI(refererHeader.strip());
        if (referer.getScheme() == null || referer.getRawAuthority() == null) {
          return Optional.empty();
        }
        return parse(referer.getScheme() + "://" + referer.getRawAuthority());
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<String> parse(String origin) {
    try {
      return Optional.of(normalize(origin));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

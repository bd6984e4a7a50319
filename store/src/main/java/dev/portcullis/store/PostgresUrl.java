package dev.portcullis.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PostgreSQL URL as users write it ({@code postgresql://user:pw@host/db}) turned into JDBC parts.
 * Public for tools that open their own connections beside a {@link JdbcStore} (bench/).
 */
public record PostgresUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

  /** @throws IllegalArgumentException when {@code url} is neither postgresql:// nor jdbc:postgresql: */
  public static PostgresUrl parse(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return new PostgresUrl(url, Optional.empty(), Optional.empty());
    }
    if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
      throw new IllegalArgumentException("db must be a postgresql:// URL");
    }
    URI uri = URI.create(url);
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = Optional.of(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
      if (parts.length == 2) {
        password = Optional.of(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
      }
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return new PostgresUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query,
        user, password);
  }

  @Override
  public String toString() {
    return "PostgresUrl[" + jdbcUrl + ", user=" + user.orElse("") + ", password=<redacted>]";
  }
}

package dev.portcullis.server.http;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The server's own origin ({@code --public-url}, else the address it listens on): the JWT
 * issuer, and the only origin a session cookie is honoured from.
 */
final class PublicOrigin {

  private final Supplier<String> url;

  PublicOrigin(Supplier<String> url) {
    this.url = url;
  }

  String url() {
    return url.get();
  }

  /** {@code scheme://host[:port]} of the public URL, lower-cased. */
  String origin() {
    URI uri = URI.create(url.get());
    return (uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()))
        .toLowerCase(Locale.ROOT);
  }

  boolean isLoopback() {
    String host = URI.create(url.get()).getHost();
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  /**
   * @throws PortcullisException {@code origin_not_allowed} unless the request's {@code Origin}
   *     is this server's own
   */
  void requireSameOrigin(Context ctx) {
    String requestOrigin = ctx.header("Origin");
    if (requestOrigin == null || !requestOrigin.toLowerCase(Locale.ROOT).equals(origin())) {
      throw new PortcullisException(ErrorCode.ORIGIN_NOT_ALLOWED,
          "A session cookie is honoured only from this server's own origin, " + origin() + ".");
    }
  }
}

package dev.portcullis.server.http;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.spi.Credential;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the one bearer credential of a request (API.md section 2): the {@code Authorization}
 * header anywhere, {@code ?token=} only where the route allows it and never for admin or
 * server keys, else the same-origin session cookie. Two credentials in one request are a 400
 * (RFC 6750 section 2); a cookie beside another credential is ignored.
 */
final class CredentialExtractor {

  private static final String BEARER = "bearer ";

  private CredentialExtractor() {}

  /** The credential of the Authorization header alone, if there is exactly one. */
  static Optional<String> bearerOf(Context ctx) {
    List<String> headers = Collections.list(ctx.req().getHeaders("Authorization"));
    return headers.size() == 1 ? Optional.of(bearerValue(headers.getFirst())) : Optional.empty();
  }

  static Optional<Credential> extract(Context ctx, boolean queryTokenAllowed, PublicOrigin origin) {
    return extract(ctx, queryTokenAllowed, List.of(), origin);
  }

  /**
   * The credential of a WebSocket upgrade: as {@link #extract} with {@code ?token=} allowed, or
   * the {@code bearer.} value of {@code Sec-WebSocket-Protocol}. A cookie there must come with
   * the server's own {@code Origin} (cross-site WebSocket hijacking).
   */
  static Optional<Credential> extractUpgrade(Context ctx, PublicOrigin origin) {
    List<String> subprotocolTokens = WebSocketProtocols.offered(ctx).stream()
        .filter(p -> p.startsWith(WebSocketProtocols.BEARER_PREFIX))
        .map(p -> p.substring(WebSocketProtocols.BEARER_PREFIX.length())).toList();
    return extract(ctx, true, subprotocolTokens, origin);
  }

  private static Optional<Credential> extract(Context ctx, boolean queryTokenAllowed, List<String> subprotocolTokens,
      PublicOrigin origin) {
    List<String> headers = Collections.list(ctx.req().getHeaders("Authorization"));
    List<String> queryTokens = ctx.queryParams("token");
    if (headers.size() + queryTokens.size() + subprotocolTokens.size() > 1) {
      throw PortcullisException.invalidRequest("The request carries more than one credential.");
    }
    if (headers.size() == 1) {
      return Optional.of(new Credential(bearerValue(headers.getFirst()), Credential.Source.AUTHORIZATION_HEADER));
    }
    if (subprotocolTokens.size() == 1) {
      if (subprotocolTokens.getFirst().isEmpty()) {
        throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The bearer. subprotocol carries no credential.");
      }
      return Optional.of(new Credential(subprotocolTokens.getFirst(), Credential.Source.SUBPROTOCOL));
    }
    if (queryTokens.size() == 1) {
      if (!queryTokenAllowed) {
        throw queryTokenRefused();
      }
      String token = queryTokens.getFirst();
      if (token.startsWith(SecretKind.ADMIN_KEY.prefix()) || token.startsWith(SecretKind.SERVER_KEY.prefix())) {
        throw PortcullisException.invalidRequest(
            "Admin and server keys must not be put in a URL; send them in the Authorization header.");
      }
      return Optional.of(new Credential(token, Credential.Source.QUERY));
    }
    String cookie = ctx.cookie(IdentityRoutes.COOKIE);
    if (cookie != null && !cookie.isEmpty()) {
      requireCookieOrigin(ctx, origin);
      return Optional.of(new Credential(cookie, Credential.Source.COOKIE));
    }
    return Optional.empty();
  }

  /**
   * The credential of the {@code Authorization} header, for routes that take no other: two
   * credentials and {@code ?token=} are refused as on every route, a cookie is ignored.
   */
  static Optional<Credential> authorizationHeader(Context ctx) {
    List<String> headers = Collections.list(ctx.req().getHeaders("Authorization"));
    List<String> queryTokens = ctx.queryParams("token");
    if (headers.size() + queryTokens.size() > 1) {
      throw PortcullisException.invalidRequest("The request carries more than one credential.");
    }
    if (!queryTokens.isEmpty()) {
      throw queryTokenRefused();
    }
    return headers.isEmpty() ? Optional.empty()
        : Optional.of(new Credential(bearerValue(headers.getFirst()), Credential.Source.AUTHORIZATION_HEADER));
  }

  private static PortcullisException queryTokenRefused() {
    return PortcullisException.invalidRequest(
        "A credential in the URL is accepted only on GET streams and the WebSocket; use the Authorization header.");
  }

  /**
   * A cookie is sent by the browser whatever page made the request, so it is honoured only
   * from this server's own origin: a foreign {@code Origin} is refused, and a state-changing
   * request or a WebSocket upgrade must carry the server's own (CSRF, cross-site WebSocket hijacking).
   */
  private static void requireCookieOrigin(Context ctx, PublicOrigin origin) {
    String requestOrigin = ctx.header("Origin");
    boolean upgrade = ctx.header("Sec-WebSocket-Version") != null;
    boolean safe = !upgrade && (ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD"));
    if (requestOrigin != null || !safe) {
      origin.requireSameOrigin(ctx);
    }
  }

  private static String bearerValue(String header) {
    if (header.length() < BEARER.length() || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The Authorization header must use the Bearer scheme.");
    }
    String value = header.substring(BEARER.length()).strip();
    if (value.isEmpty()) {
      throw new PortcullisException(ErrorCode.INVALID_TOKEN, "The Bearer credential is empty.");
    }
    return value;
  }
}

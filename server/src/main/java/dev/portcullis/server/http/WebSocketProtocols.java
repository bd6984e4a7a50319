package dev.portcullis.server.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The subprotocols of a WebSocket upgrade (RFC 6455 section 4.1, {@code Sec-WebSocket-Protocol}):
 * {@code portcullis}, the one the server speaks, and {@code bearer.<credential>}, which carries
 * the credential of a browser that cannot set {@code Authorization} (API.md section 2).
 */
final class WebSocketProtocols {

  static final String PORTCULLIS = "portcullis";
  static final String BEARER_PREFIX = "bearer.";

  private WebSocketProtocols() {}

  /** Every offered subprotocol, in order, trimmed; empty when the header is absent. */
  static List<String> offered(Context ctx) {
    List<String> offered = new ArrayList<>();
    for (String header : Collections.list(ctx.req().getHeaders("Sec-WebSocket-Protocol"))) {
      for (String protocol : header.split(",")) {
        if (!protocol.isBlank()) {
          offered.add(protocol.strip());
        }
      }
    }
    return offered;
  }
}

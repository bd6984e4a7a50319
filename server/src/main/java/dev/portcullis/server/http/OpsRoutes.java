package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Resource.PUBLIC;
import static dev.portcullis.core.authz.Resource.SESSIONS;

import dev.portcullis.core.store.Store;
import dev.portcullis.core.view.JsonViews;
import dev.portcullis.spi.Principal;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Health, readiness, metrics, the OpenAPI document (API.md section 9) and {@code GET /v1/me}. */
final class OpsRoutes {

  private final Store store;
  private final PrometheusMeterRegistry metrics;
  private final Responses respond;
  private final byte[] openApi;
  private final Map<String, MeBody> meBodies = new ConcurrentHashMap<>();

  private static final int MAX_ME_BODIES = 10_000;

  private record MeBody(Principal principal, byte[] json) {}

  OpsRoutes(Store store, PrometheusMeterRegistry metrics, Responses respond) {
    this.store = store;
    this.metrics = metrics;
    this.respond = respond;
    this.openApi = resource("/openapi.json");
  }

  void register(Routes routes) {
    routes.get("/healthz", PUBLIC, READ, (ctx, access) -> respond.ok(ctx, Map.of("status", "ok")));
    routes.get("/readyz", PUBLIC, READ, (ctx, access) -> {
      if (!store.ping()) {
        throw new dev.portcullis.core.error.PortcullisException(
            dev.portcullis.core.error.ErrorCode.UNAVAILABLE, "The database is not reachable.");
      }
      respond.ok(ctx, Map.of("status", "ready"));
    });
    routes.get("/metrics", PUBLIC, READ, (ctx, access) ->
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    routes.get("/v1/openapi.json", PUBLIC, READ, (ctx, access) ->
        ctx.contentType("application/json").result(openApi));
    routes.get("/v1/me", SESSIONS, READ, (ctx, access) -> respond.okJson(ctx, meBody(access.caller())));
  }

  /**
   * The {@code GET /v1/me} body of {@code caller}, written once per principal: an authenticator
   * hands out the same {@link Principal} instance for as long as it caches the credential, and
   * clients ask often (an SDK at each refresh). Found by credential id, and used only for the
   * very instance it was written for, so a principal that changed is written afresh.
   */
  private byte[] meBody(Principal caller) {
    MeBody known = meBodies.get(caller.credentialId());
    if (known != null && known.principal() == caller) {
      return known.json();
    }
    byte[] json = respond.jsonBytes(JsonViews.principal(caller));
    if (meBodies.size() >= MAX_ME_BODIES) {
      meBodies.clear(); // crude bound; callers outnumbering it would make a cache useless anyway
    }
    meBodies.put(caller.credentialId(), new MeBody(caller, json));
    return json;
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the server jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }
}

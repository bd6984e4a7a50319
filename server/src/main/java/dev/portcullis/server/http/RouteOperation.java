package dev.portcullis.server.http;

import dev.portcullis.core.authz.Operation;
import io.javalin.router.EndpointMetadata;

/**
 * The authorization identity of a route, attached to its Javalin endpoint. The server refuses
 * to start when an endpoint lacks one.
 *
 * @param queryToken whether a credential may travel in {@code ?token=} (GET SSE streams only)
 * @param selfAuthenticated whether the handler verifies the route's credential itself instead of
 *     the authenticator chain (see {@link Routes#postSelfAuthenticated})
 */
record RouteOperation(Operation operation, boolean queryToken, boolean selfAuthenticated) implements EndpointMetadata {}

package dev.portcullis.server.http;

import dev.portcullis.core.authz.Operation;
import io.javalin.router.EndpointMetadata;

/**
 * The authorization identity of a route, attached to its Javalin endpoint. The server refuses
 * to start when an endpoint lacks one.
 *
 * @param queryToken whether a credential may travel in {@code ?token=} (GET SSE streams only)
 */
record RouteOperation(Operation operation, boolean queryToken) implements EndpointMetadata {}

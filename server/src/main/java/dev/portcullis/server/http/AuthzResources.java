package dev.portcullis.server.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.store.Store;
import dev.portcullis.spi.Principal;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a rule's {@code when} sees as {@code resource} (API.md section 7): the stored object for
 * read, update, delete and runs, the request body for create, and {@code {}} for search and for
 * resources other than agents and threads. Read from the caller's project without any rule's
 * filter, and only when a rule asks for it.
 */
final class AuthzResources {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final Store store;
  private final ObjectMapper json;
  private final Authorizer authorizer;

  AuthzResources(Store store, ObjectMapper json, Authorizer authorizer) {
    this.store = store;
    this.json = json;
    this.authorizer = authorizer;
  }

  /**
   * The resource of {@code operation} on {@code id} (when the route names one), loaded only if
   * asked for; {@link dev.portcullis.core.authz.AuthzRequest} asks at most once.
   *
   * @param body the request body, read only for a create
   */
  Supplier<Map<String, Object>> lazily(Optional<String> projectId, Operation operation, Optional<String> id,
      Supplier<byte[]> body) {
    return () -> load(projectId, operation, id, body);
  }

  /**
   * Whether {@code principal} would find agent or thread {@code id} with a read: the read is
   * allowed and its filter lets the stored object through. A denial on what the caller cannot
   * read is {@code 404} (API.md section 7), so that a {@code 403} never confirms it exists.
   */
  boolean readable(Principal principal, Resource resource, String id) {
    if (principal.projectId().isEmpty()) {
      return false;
    }
    Operation read = Operation.of(resource, Action.READ);
    Optional<String> project = principal.projectId();
    Decision decision = authorizer.decide(new AuthzRequest(principal, read, Optional.of(id),
        lazily(project, read, Optional.of(id), () -> new byte[0])));
    return decision instanceof Decision.Allowed allowed
        && find(new Scope(project.get(), allowed.filter()), resource, id).isPresent();
  }

  private Map<String, Object> load(Optional<String> projectId, Operation operation, Optional<String> id,
      Supplier<byte[]> body) {
    if (operation.action() == Action.CREATE) {
      try {
        return bodyAsMap(body.get());
      } catch (PortcullisException unreadable) {
        return Map.of(); // too large: the route's own reading answers 413
      }
    }
    if (projectId.isEmpty() || id.isEmpty()) {
      return Map.of();
    }
    return find(Scope.project(projectId.get()), operation.resource(), id.get()).orElse(Map.of());
  }

  private Optional<Map<String, Object>> find(Scope scope, Resource resource, String id) {
    return switch (resource) {
      case THREADS -> store.threads().find(scope, id).map(t -> view("id", t.id(), "agent_id", t.agentId(),
          "metadata", t.metadata()));
      case AGENTS -> store.agents().find(scope, id).map(a -> view("id", a.id(), "name", a.name(),
          "model", a.model(), "metadata", a.metadata()));
      default -> Optional.empty();
    };
  }

  /** The body as a JSON object; anything else is {@code {}}, and the handler's own reading refuses it. */
  private Map<String, Object> bodyAsMap(byte[] body) {
    if (body.length == 0) {
      return Map.of();
    }
    try {
      Map<String, Object> map = json.readValue(body, MAP);
      return map == null ? Map.of() : map;
    } catch (IOException e) {
      return Map.of();
    }
  }

  private static Map<String, Object> view(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}

package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Resource.AUDIT;

import dev.portcullis.core.authn.AuthenticatorChain;
import dev.portcullis.core.authz.Action;
import dev.portcullis.core.authz.AuthzRequest;
import dev.portcullis.core.authz.Authorizer;
import dev.portcullis.core.authz.Decision;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.authz.Resource;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.store.Store;
import dev.portcullis.core.view.JsonViews;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /v1/authz/explain} (API.md section 7): the decision the engine would make for a
 * credential and a request, with the deciding rule, the filter, the metadata the rules own, the
 * message the real request's error would carry and the reasons, without doing anything. Mapped
 * to {@code audit.read}: like the audit log, it shows how the project's requests are decided.
 */
final class AuthzRoutes {

  private final AuthenticatorChain authenticators;
  private final Authorizer authorizer;
  private final AuthzResources resources;
  private final Store store;
  private final Responses respond;

  AuthzRoutes(AuthenticatorChain authenticators, Authorizer authorizer, AuthzResources resources,
      Store store, Responses respond) {
    this.authenticators = authenticators;
    this.authorizer = authorizer;
    this.resources = resources;
    this.store = store;
    this.respond = respond;
  }

  /**
   * @param credential whose decision to explain; the caller's own when absent
   * @param body for {@code create}, the request body a rule's {@code when} would see as
   *     {@code resource}, whose {@code metadata} must not set a key the rules stamp (an
   *     extension of API.md)
   */
  record Explain(String credential, String resource, String action, String id, Map<String, Object> body) {}

  void register(Routes routes) {
    routes.post("/v1/authz/explain", AUDIT, READ, (ctx, access) -> {
      Explain request = respond.bodies().read(ctx, Explain.class);
      Operation operation = Operation.of(parse(Resource.values(), request.resource(), "resource"),
          parse(Action.values(), request.action(), "action"));
      Optional<String> id = Optional.ofNullable(request.id());
      Principal caller = access.caller();
      Principal subject;
      if (request.credential() == null) {
        subject = caller;
      } else {
        try {
          subject = authenticators.authenticate(new Credential(request.credential(), Credential.Source.AUTHORIZATION_HEADER));
        } catch (PortcullisException e) {
          respond.ok(ctx, explanation("deny", Optional.empty(), Optional.empty(), Optional.empty(),
              Optional.of(e.getMessage()), List.of("authentication: " + e.code().code() + ": " + e.getMessage())));
          return;
        }
        if (!subject.projectId().equals(caller.projectId())) {
          throw PortcullisException.invalidRequest("credential belongs to another project.");
        }
      }
      Optional<String> project = subject.projectId();
      Map<String, Object> body = request.body() == null ? Map.of() : request.body();
      Decision decision = refuseRuleKeys(authorizer.decide(new AuthzRequest(subject, operation, id,
          operation.action() == Action.CREATE ? () -> body : resources.lazily(project, operation, id, () -> new byte[0]))),
          operation, body);
      List<String> reasons = new ArrayList<>(decision.reasons());
      boolean hidden = id.isPresent() && project.isPresent() && hasStoredResources(operation.resource())
          && !visible(subject, project.get(), operation.resource(), id.get(), decision);
      if (hidden) {
        reasons.add(operation.resource().wireName() + "/" + id.get() + " does not exist in the project or the filter hides it: 404");
      }
      String verdict = hidden ? "not_found" : decision instanceof Decision.Allowed ? "allow" : "deny";
      Optional<Decision.Allowed> allowed = decision instanceof Decision.Allowed a ? Optional.of(a) : Optional.empty();
      // The message is the one the real request's error carries: the 404's when the resource is hidden.
      Optional<String> message = hidden ? Optional.of(PortcullisException.notFound(
              operation.resource() == Resource.THREADS ? "Thread" : "Agent").getMessage())
          : decision instanceof Decision.Denied denied ? Optional.of(denied.reason()) : Optional.empty();
      respond.ok(ctx, explanation(verdict, decision.rule(), allowed.map(a -> JsonViews.filter(a.filter())),
          allowed.map(Decision.Allowed::ruleMetadata), message, reasons));
    });
  }

  /**
   * The decision, or for a create whose body sets a key the rules stamp, the {@code 403} the
   * handler gives it ({@link Access#stamp}).
   */
  private static Decision refuseRuleKeys(Decision decision, Operation operation, Map<String, Object> body) {
    if (!(decision instanceof Decision.Allowed allowed) || operation.action() != Action.CREATE
        || !(body.get("metadata") instanceof Map<?, ?> metadata)) {
      return decision;
    }
    Map<String, Object> keys = new LinkedHashMap<>();
    metadata.forEach((key, value) -> keys.put(String.valueOf(key), value));
    try {
      new Access(Optional.empty(), allowed.filter(), allowed.ruleMetadata()).requireNoRuleKeys(keys);
      return decision;
    } catch (PortcullisException e) {
      List<String> reasons = new ArrayList<>(allowed.reasons());
      reasons.add("the body's metadata: " + e.getMessage());
      return new Decision.Denied(e.code(), e.getMessage(), allowed.rule(), reasons);
    }
  }

  private static boolean hasStoredResources(Resource resource) {
    return resource == Resource.THREADS || resource == Resource.AGENTS;
  }

  /**
   * Whether the caller would find the resource: an allowing decision's filter lets it through,
   * or, for a denial, the caller's own read would.
   */
  private boolean visible(Principal subject, String projectId, Resource resource, String id, Decision decision) {
    if (!(decision instanceof Decision.Allowed allowed)) {
      return resources.readable(subject, resource, id); // as the request gate judges a denial
    }
    Scope scope = new Scope(projectId, allowed.filter());
    return resource == Resource.THREADS ? store.threads().find(scope, id).isPresent()
        : store.agents().find(scope, id).isPresent();
  }

  /**
   * The answer; {@code metadata} (what a create is stamped with, and may not set itself)
   * and {@code message} (the real request's error message) extend API.md.
   */
  private static Map<String, Object> explanation(String decision, Optional<String> rule,
      Optional<Map<String, Object>> filter, Optional<Map<String, Object>> metadata, Optional<String> message,
      List<String> reasons) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("decision", decision);
    body.put("rule", rule.orElse(null));
    body.put("filter", filter.orElse(null));
    body.put("metadata", metadata.orElse(null));
    body.put("message", message.orElse(null));
    body.put("reasons", reasons);
    return body;
  }

  private static <E extends Enum<E>> E parse(E[] values, String wire, String field) {
    if (wire == null) {
      throw PortcullisException.invalidRequest(field + " is required.");
    }
    for (E value : values) {
      if (value.name().toLowerCase(Locale.ROOT).equals(wire)) {
        return value;
      }
    }
    throw PortcullisException.invalidRequest(field + " must be one of "
        + Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList() + ".");
  }
}

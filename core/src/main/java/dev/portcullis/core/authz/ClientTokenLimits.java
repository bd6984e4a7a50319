package dev.portcullis.core.authz;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.spi.Principal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a client token's policy grants (API.md section 5), as step 1 of the engine: exactly the
 * table's rows and nothing else. Reads, searches and lists are confined by an
 * {@link IdRestriction} that the store applies in SQL; a request on one thread or agent is
 * decided on that resource, so that a resource the token may see but not change is
 * {@code 403 insufficient_scope} (the request gate turns a denial on what the token cannot read
 * into {@code 404}). Stateless and thread-safe.
 *
 * <p>The policy travels in the principal's claims under {@value #POLICY_CLAIM}, as the API writes
 * it: a list of {@code {type, id, access: [...]}}.
 */
final class ClientTokenLimits {

  /** The claim holding a client token's policy. */
  static final String POLICY_CLAIM = "policy";

  private ClientTokenLimits() {}

  /** What one token reaches, per access. */
  private record Reach(Set<String> readAgents, Set<String> writeAgents, IdRestriction readMessages,
      IdRestriction writeMessages) {

    static Reach of(Principal principal) {
      Set<String> readAgents = new HashSet<>();
      Set<String> writeAgents = new HashSet<>();
      Set<String> readThreads = new HashSet<>();
      Set<String> writeThreads = new HashSet<>();
      Set<String> readMessageAgents = new HashSet<>();
      Set<String> writeMessageAgents = new HashSet<>();
      if (principal.claims().get(POLICY_CLAIM) instanceof List<?> grants) {
        for (Object grant : grants) {
          if (!(grant instanceof Map<?, ?> g) || !(g.get("id") instanceof String id)
              || !(g.get("access") instanceof List<?> access)) {
            continue; // the authenticator builds these claims; anything else grants nothing
          }
          for (Object a : access) {
            String name = String.valueOf(a);
            if ("agent".equals(g.get("type"))) {
              switch (name) {
                case "read_agent" -> readAgents.add(id);
                case "write_agent" -> writeAgents.add(id);
                case "read_messages" -> readMessageAgents.add(id);
                case "write_messages" -> writeMessageAgents.add(id);
                default -> { }
              }
            } else if ("thread".equals(g.get("type"))) {
              switch (name) {
                case "read_messages" -> readThreads.add(id);
                case "write_messages" -> writeThreads.add(id);
                default -> { }
              }
            }
          }
        }
      }
      return new Reach(readAgents, writeAgents, new IdRestriction(readThreads, readMessageAgents),
          new IdRestriction(writeThreads, writeMessageAgents));
    }
  }

  static Decision decide(AuthzRequest request) {
    Operation operation = request.operation();
    Reach reach = Reach.of(request.principal());
    Optional<String> id = request.resourceId();
    return switch (operation.resource()) {
      case AGENTS -> switch (operation.action()) {
        case SEARCH -> allowed(ResourceFilter.of(new IdRestriction(reach.readAgents(), Set.of())), "read_agent");
        case READ -> byId(id, reach.readAgents(), "read_agent");
        case UPDATE -> byId(id, reach.writeAgents(), "write_agent");
        default -> insufficient("A client token cannot " + operation.action().wireName() + " agents.");
      };
      case THREADS -> switch (operation.action()) {
        case SEARCH -> allowed(ResourceFilter.of(reach.readMessages()), "read_messages");
        // The store confines the read to the filter; what it hides is 404, as for anyone.
        case READ -> allowed(ResourceFilter.of(reach.readMessages()), "read_messages");
        case CREATE -> createThread(request, reach);
        case UPDATE, CREATE_RUN -> writeThread(request, reach);
        default -> insufficient("A client token cannot delete threads.");
      };
      default -> new Decision.Denied(ErrorCode.FORBIDDEN, "A client token may not use " + operation.resource().wireName()
          + ".", Optional.empty(), List.of("credential limits: a client token reaches agents and threads only"));
    };
  }

  private static Decision byId(Optional<String> id, Set<String> granted, String access) {
    if (id.isPresent() && granted.contains(id.get())) {
      return allowed(ResourceFilter.of(new IdRestriction(granted, Set.of())), access);
    }
    return insufficient("This token does not grant " + access + " on this agent.");
  }

  private static Decision createThread(AuthzRequest request, Reach reach) {
    Object agent = request.resource().get().get("agent_id");
    if (agent instanceof String agentId && reach.writeMessages().agentIds().contains(agentId)) {
      return allowed(ResourceFilter.NONE, "write_messages");
    }
    return insufficient("This token does not grant write_messages on that agent.");
  }

  /** Decided on the stored thread: its id or its agent must be granted write_messages. */
  private static Decision writeThread(AuthzRequest request, Reach reach) {
    IdRestriction write = reach.writeMessages();
    Optional<String> id = request.resourceId();
    boolean granted = id.isPresent() && (write.ids().contains(id.get())
        || request.resource().get().get("agent_id") instanceof String agentId && write.agentIds().contains(agentId));
    if (granted) {
      return allowed(ResourceFilter.of(write), "write_messages");
    }
    return insufficient("This token does not grant write_messages on this thread.");
  }

  private static Decision allowed(ResourceFilter filter, String access) {
    return new Decision.Allowed(filter, Map.of(), Optional.empty(),
        List.of("credential limits: the client token's " + access + " grants"));
  }

  private static Decision insufficient(String message) {
    return new Decision.Denied(ErrorCode.INSUFFICIENT_SCOPE, message, Optional.empty(),
        List.of("credential limits: " + message));
  }
}

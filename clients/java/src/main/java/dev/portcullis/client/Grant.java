package dev.portcullis.client;

import java.util.Objects;
import java.util.Set;

/**
 * One entry of a client token's policy (API.md section 5): what the token may do with one agent
 * or thread. {@code Grant.agent(agentId, Access.READ_AGENT, Access.WRITE_MESSAGES)}.
 *
 * @param id the agent ({@code agt_...}) or thread ({@code thr_...}); the server refuses one that
 *     is missing or another project's with {@code 400 invalid_request}
 * @param access not empty; a thread grant holds only the messages accesses
 */
public record Grant(Type type, String id, Set<Access> access) {

  public Grant {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    access = Set.copyOf(access);
  }

  /** A grant on the agent {@code agentId}. */
  public static Grant agent(String agentId, Access... access) {
    return new Grant(Type.AGENT, agentId, Set.of(access));
  }

  /** A grant on one existing thread; it never allows creating threads. */
  public static Grant thread(String threadId, Access... access) {
    return new Grant(Type.THREAD, threadId, Set.of(access));
  }

  /** What a grant names. */
  public enum Type { AGENT, THREAD }

  /** The accesses of API.md section 5's table. */
  public enum Access {
    /** Get the agent; it appears in the agent list. */
    READ_AGENT,
    /** Update the agent. */
    WRITE_AGENT,
    /** Read and search the threads (with their messages, runs and streams). */
    READ_MESSAGES,
    /** Create threads on the agent (not with a thread grant), post messages, change metadata, start runs. */
    WRITE_MESSAGES
  }
}

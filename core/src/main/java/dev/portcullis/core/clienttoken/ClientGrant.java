package dev.portcullis.core.clienttoken;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of a client token's policy (API.md section 5): what the token may do to one agent or
 * one thread. Immutable.
 *
 * @param type what {@code id} names
 * @param id an agent id ({@code agt_…}) or a thread id ({@code thr_…}) of the token's project
 * @param access what is granted; never empty, and for a thread only the messages accesses
 */
public record ClientGrant(Type type, String id, Set<Access> access) {

  public ClientGrant {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    access = access.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(access));
  }

  /** What a grant names, with its wire name. */
  public enum Type {
    AGENT("agent", EnumSet.allOf(Access.class)),
    THREAD("thread", EnumSet.of(Access.READ_MESSAGES, Access.WRITE_MESSAGES));

    private final String wireName;
    private final Set<Access> allowed;

    Type(String wireName, Set<Access> allowed) {
      this.wireName = wireName;
      this.allowed = allowed;
    }

    public String wireName() {
      return wireName;
    }

    /** The accesses a grant of this type may hold. */
    public Set<Access> allowedAccess() {
      return allowed;
    }
  }

  /** The accesses of API.md section 5's table, with their wire names. */
  public enum Access {
    READ_AGENT("read_agent"),
    WRITE_AGENT("write_agent"),
    READ_MESSAGES("read_messages"),
    WRITE_MESSAGES("write_messages");

    private final String wireName;

    Access(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }
}

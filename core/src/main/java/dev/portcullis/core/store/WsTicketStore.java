package dev.portcullis.core.store;

import java.time.Instant;
import java.util.Optional;

/** Single-use tickets (API.md section 2), stored by the SHA-256 of their value. */
public interface WsTicketStore {

  /**
   * A ticket as stored.
   *
   * @param principal the caller the ticket stands for, as JSON (never a credential)
   */
  record StoredTicket(String hash, Optional<String> projectId, String principal, Instant createdAt, Instant expiresAt) {}

  /** What {@link #redeem} found. */
  sealed interface Redemption {
    /** This call used the ticket; no other call ever will. */
    record Redeemed(StoredTicket ticket) implements Redemption {}

    /** The ticket was used before. */
    record AlreadyUsed() implements Redemption {}

    /** No ticket has this hash (or it was swept long after it expired). */
    record Unknown() implements Redemption {}
  }

  void insert(StoredTicket ticket);

  /**
   * Marks the ticket used at {@code at}, atomically across servers sharing the database: of
   * two concurrent calls for one ticket exactly one gets {@link Redemption.Redeemed}. Expiry
   * is the caller's to check.
   */
  Redemption redeem(String hash, Instant at);

  /** Deletes tickets that expired before {@code before}. @return how many */
  int deleteExpiredBefore(Instant before);
}

package dev.portcullis.core.ticket;

import dev.portcullis.core.store.WsTicketStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Tickets in a map, with the store's single-use contract. Thread-safe. */
final class InMemoryWsTicketStore implements WsTicketStore {

  private final Map<String, StoredTicket> tickets = new HashMap<>();
  private final Map<String, Instant> usedAt = new HashMap<>();
  int redeemCalls;

  @Override
  public synchronized void insert(StoredTicket ticket) {
    tickets.put(ticket.hash(), ticket);
  }

  @Override
  public synchronized Redemption redeem(String hash, Instant at) {
    redeemCalls++;
    StoredTicket ticket = tickets.get(hash);
    if (ticket == null) {
      return new Redemption.Unknown();
    }
    return usedAt.putIfAbsent(hash, at) == null ? new Redemption.Redeemed(ticket) : new Redemption.AlreadyUsed();
  }

  @Override
  public synchronized int deleteExpiredBefore(Instant before) {
    int before0 = tickets.size();
    tickets.values().removeIf(t -> t.expiresAt().isBefore(before));
    usedAt.keySet().retainAll(tickets.keySet());
    return before0 - tickets.size();
  }
}

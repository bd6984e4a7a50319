package dev.portcullis.core.store;

/**
 * Everything Portcullis keeps, behind one small interface with one port per concept.
 * Implementations are thread-safe and every acknowledged write is durable when the method
 * returns.
 */
public interface Store extends AutoCloseable {

  ProjectStore projects();

  ApiKeyStore apiKeys();

  ClientTokenStore clientTokens();

  AgentStore agents();

  ThreadStore threads();

  MessageStore messages();

  RunStore runs();

  SigningKeyStore signingKeys();

  RevocationStore revocations();

  AuthRuleStore authRules();

  AuditStore audit();

  WsTicketStore wsTickets();

  /** Whether the database answers; for {@code /readyz}. */
  boolean ping();

  @Override
  void close();
}

package dev.portcullis.spi;

/**
 * Turns a bearer credential into a {@link Principal}.
 *
 * <p>Authenticators form a chain: each is asked in turn until one answers
 * {@link AuthnResult.Authenticated} or {@link AuthnResult.Rejected}; if all abstain the
 * credential is {@code invalid_token}. An implementation must:
 * <ul>
 *   <li>abstain quickly for credentials that are not of its kind (look at the prefix or the
 *       JWT header, not at a database);</li>
 *   <li>be thread-safe, since it is called concurrently from many virtual threads;</li>
 *   <li>never log or return the credential's value.</li>
 * </ul>
 * Plugins are discovered with {@link java.util.ServiceLoader}.
 */
public interface Authenticator {

  /**
   * Examines one credential.
   *
   * @param credential the credential as it arrived; never null
   * @return never null
   */
  AuthnResult authenticate(Credential credential);
}

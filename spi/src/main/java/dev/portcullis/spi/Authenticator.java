package dev.portcullis.spi;

/**
 * Turns a request's credential into a {@link Principal}.
 *
 * <p>Authenticators form a chain: the built-in ones first (admin and server keys, client
 * tokens, workspace tokens, identity-provider JWTs), then plugins in the order
 * {@link java.util.ServiceLoader} finds them. Each is asked in turn until one answers
 * {@link AuthnResult.Authenticated} or {@link AuthnResult.Rejected}; when all abstain, a
 * request with a credential is {@code 401 invalid_token} and one without is
 * {@code 401 unauthenticated}. An implementation must:
 * <ul>
 *   <li>abstain quickly for credentials that are not of its kind (look at the prefix, the JWT
 *       header or its own header, not at a database);</li>
 *   <li>be thread-safe, since it is called concurrently from many virtual threads;</li>
 *   <li>never log or return a credential's value, nor put it in a rejection message.</li>
 * </ul>
 * Plugins are jars in the server's {@code --plugins} directory that list their implementation
 * in {@code META-INF/services/dev.portcullis.spi.Authenticator}; they need a public no-argument
 * constructor.
 */
public interface Authenticator {

  /**
   * Examines one request.
   *
   * @param request the request's credential and headers; never null
   * @return never null
   */
  AuthnResult authenticate(AuthnRequest request);
}

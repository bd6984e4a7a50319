package dev.portcullis.spi;

/**
 * Turns a request's credential into a {@link Principal}.
 *
 * <p>Authenticators form a chain: the built-in ones first (admin and server keys, client
 * tokens, workspace tokens, identity-provider JWTs), then plugins, in the order of their jars'
 * names and, within a jar, of its service file. Each is asked in turn until one answers
 * {@link AuthnResult.Authenticated} or {@link AuthnResult.Rejected}; when all abstain, a
 * request with a credential is {@code 401 invalid_token} and one without is
 * {@code 401 unauthenticated}. An implementation must:
 * <ul>
 *   <li>abstain quickly for credentials that are not of its kind (look at the prefix, the JWT
 *       header or its own header, not at a database);</li>
 *   <li>be thread-safe, since it is called concurrently from many virtual threads;</li>
 *   <li>never log or return a credential's value, nor put it in a rejection message.</li>
 * </ul>
 *
 * <p>Throwing is a server fault, not a verdict on the credential: the request is answered
 * {@code 500 internal} in the API's one error shape, the exception goes to the server's log
 * with the request id and the plugin's class name (never to the client), and no later
 * authenticator is asked. A plugin is not treated as having abstained, because a credential
 * that its own backend could not check must neither look invalid to the client (a 401 would
 * make it drop a good token) nor fall through to another authenticator. Returning null is
 * treated as throwing. To say "not mine", abstain; to refuse, reject.
 *
 * <p>Plugins are jars in the server's {@code --plugins} directory that list their implementation
 * in {@code META-INF/services/dev.portcullis.spi.Authenticator}. They need a public no-argument
 * constructor, are created once at server start and read their configuration there (from the
 * environment or a file); a constructor that throws stops the server with a message naming the
 * jar. Plugins see the server's classes through their parent class loader but should depend on
 * this package alone.
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

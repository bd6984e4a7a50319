package dev.portcullis.spi;

/**
 * A plugin's authorization rule, consulted like a rule of the policy file (API.md section 7,
 * step 2). Discovered with {@link java.util.ServiceLoader}.
 *
 * <p>{@link #on()} places the handler at a level exactly as a policy rule's {@code on} does:
 * {@code resource.action} is the most specific, then {@code resource}, then {@code *}. The most
 * specific level holding a rule or handler that does not {@link AuthorizationOutcome.Pass pass}
 * decides. A handler that throws denies the request.
 *
 * <p>Implementations must be thread-safe and should not block: {@link #authorize} runs on the
 * request path of every matching request.
 */
public interface AuthorizationHandler {

  /**
   * What this handler applies to: {@code *}, a resource wire name such as {@code threads}, or
   * {@code resource.action} such as {@code threads.create}. Read once, when the engine is built;
   * an unknown resource or action refuses the start.
   */
  String on();

  /** The name reported as the deciding rule; the class name unless overridden. */
  default String name() {
    return getClass().getName();
  }

  /**
   * Decides one request.
   *
   * @return never null; {@link AuthorizationOutcome.Pass} when the handler has no opinion
   */
  AuthorizationOutcome authorize(AuthorizationContext context);
}

package dev.portcullis.server.plugin;

import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.AuthorizationContext;
import dev.portcullis.spi.AuthorizationHandler;
import dev.portcullis.spi.AuthorizationOutcome;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Authenticators that test jars list by name; they live on the test class path. */
public final class TestPlugins {

  private TestPlugins() {}

  /** The credential {@link Fixed} accepts. */
  public static final String FIXED_CREDENTIAL = "fixed-credential";

  /** Accepts {@link #FIXED_CREDENTIAL} as a custom principal of workspace {@code fixed}. */
  public static final class Fixed implements Authenticator {
    @Override
    public AuthnResult authenticate(AuthnRequest request) {
      return request.credential().filter(c -> c.value().equals(FIXED_CREDENTIAL))
          .<AuthnResult>map(c -> new AuthnResult.Authenticated(new Principal(Principal.Kind.CUSTOM, "fixed",
              Optional.of("prj_fixed"), Optional.of("fixed"), List.of(), Optional.empty(), "fixed", Map.of())))
          .orElseGet(AuthnResult::abstain);
    }
  }

  /** Throws on credentials ending in {@code -boom}, as a plugin whose backend is down would. */
  public static final class Throwing implements Authenticator {
    public static final String DETAIL = "connection refused by auth-backend.internal:7443";

    @Override
    public AuthnResult authenticate(AuthnRequest request) {
      if (request.credential().filter(c -> c.value().endsWith("-boom")).isPresent()) {
        throw new IllegalStateException(DETAIL);
      }
      return AuthnResult.abstain();
    }
  }

  /** Its constructor fails, as a plugin missing its configuration would. */
  public static final class FailingConstructor implements Authenticator {
    public FailingConstructor() {
      throw new IllegalStateException("EXAMPLE_PLUGIN_URL is not set");
    }

    @Override
    public AuthnResult authenticate(AuthnRequest request) {
      return AuthnResult.abstain();
    }
  }

  /** ServiceLoader cannot create it. */
  public static final class NoDefaultConstructor implements Authenticator {
    public NoDefaultConstructor(String setting) {
      // unused
    }

    @Override
    public AuthnResult authenticate(AuthnRequest request) {
      return AuthnResult.abstain();
    }
  }

  /** Listed as an authenticator, but is none. */
  public static final class NotAnAuthenticator {}

  /** Listed by this module's own test resources only, never by a jar: must not be loaded. */
  public static final class ClassPathOnly implements Authenticator {
    @Override
    public AuthnResult authenticate(AuthnRequest request) {
      throw new AssertionError("a provider on the server's class path was loaded as a plugin");
    }
  }

  /** An authorization handler that makes threads read-only for workspace principals. */
  public static final class ReadOnlyThreads implements AuthorizationHandler {
    @Override
    public String on() {
      return "threads.update";
    }

    @Override
    public AuthorizationOutcome authorize(AuthorizationContext context) {
      return context.principal().workspaceId().isPresent()
          ? AuthorizationOutcome.deny("Threads are read-only.") : AuthorizationOutcome.pass();
    }
  }

  /** An authorization handler whose {@code on} names no resource: the server must not start. */
  public static final class UnknownTarget implements AuthorizationHandler {
    @Override
    public String on() {
      return "thread.read";
    }

    @Override
    public AuthorizationOutcome authorize(AuthorizationContext context) {
      return AuthorizationOutcome.pass();
    }
  }
}

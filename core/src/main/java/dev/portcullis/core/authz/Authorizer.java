package dev.portcullis.core.authz;

/**
 * Decides every request before its handler runs. The one place where permissions are
 * checked: handlers only ever apply the filter a decision hands them. Thread-safe.
 */
public interface Authorizer {

  /** @return never null */
  Decision decide(AuthzRequest request);
}

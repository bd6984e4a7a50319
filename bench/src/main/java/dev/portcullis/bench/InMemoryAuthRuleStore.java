package dev.portcullis.bench;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.store.AuthRuleStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.util.List;

/**
 * An {@link AuthRuleStore} holding a fixed list of rules: what
 * {@code ProviderTokenAuthenticator} reads on a cache miss (an indexed query in the server).
 * Immutable.
 */
final class InMemoryAuthRuleStore implements AuthRuleStore {

  private final List<AuthRule> rules;

  InMemoryAuthRuleStore(List<AuthRule> rules) {
    this.rules = List.copyOf(rules);
  }

  @Override
  public List<AuthRule> byIssuer(String issuer) {
    return rules.stream().filter(r -> r.issuer().equals(issuer)).toList();
  }

  @Override
  public List<AuthRule> ofProject(String projectId) {
    return rules.stream().filter(r -> r.projectId().equals(projectId)).toList();
  }

  @Override
  public void insert(AuthRule rule) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public Page<AuthRule> list(String projectId, PageRequest page) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public boolean delete(String projectId, String id) {
    throw new UnsupportedOperationException("not on the authentication path");
  }
}

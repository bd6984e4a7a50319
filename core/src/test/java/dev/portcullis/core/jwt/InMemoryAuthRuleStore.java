package dev.portcullis.core.jwt;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.store.AuthRuleStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Auth rules in a list, oldest first, as the JDBC store orders them. */
final class InMemoryAuthRuleStore implements AuthRuleStore {
  final List<AuthRule> rules = new CopyOnWriteArrayList<>();

  @Override public void insert(AuthRule rule) { rules.add(rule); }

  @Override public Page<AuthRule> list(String projectId, PageRequest page) {
    return new Page<>(rules.stream().filter(r -> r.projectId().equals(projectId)).toList(), Optional.empty());
  }

  @Override public boolean delete(String projectId, String id) {
    return rules.removeIf(r -> r.projectId().equals(projectId) && r.id().equals(id));
  }

  @Override public List<AuthRule> byIssuer(String issuer) {
    return rules.stream().filter(r -> r.issuer().equals(issuer)).toList();
  }

  @Override public List<AuthRule> ofProject(String projectId) {
    return rules.stream().filter(r -> r.projectId().equals(projectId)).toList();
  }
}

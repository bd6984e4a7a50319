package dev.portcullis.core.store;

import dev.portcullis.core.authrule.AuthRule;
import java.util.List;

/** Identity-provider rules of projects. */
public interface AuthRuleStore {

  void insert(AuthRule rule);

  Page<AuthRule> list(String projectId, PageRequest page);

  /** @return whether a rule of that id existed in the project */
  boolean delete(String projectId, String id);

  /** Every rule, of any project, that names {@code issuer}: for JWTs used directly. */
  List<AuthRule> byIssuer(String issuer);

  /** Every rule of the project, oldest first: for the exchange. */
  List<AuthRule> ofProject(String projectId);
}

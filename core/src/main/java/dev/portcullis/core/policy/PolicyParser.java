package dev.portcullis.core.policy;

import dev.cel.common.types.CelKind;
import dev.portcullis.core.policy.YamlTree.Entry;
import dev.portcullis.core.policy.YamlTree.Mapping;
import dev.portcullis.core.policy.YamlTree.Node;
import dev.portcullis.core.policy.YamlTree.Scalar;
import dev.portcullis.core.policy.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a policy file into compiled rules, refusing it at the first error with its line. */
final class PolicyParser {

  private static final Set<String> RULE_KEYS = Set.of("name", "on", "when", "deny", "metadata", "filter");
  private static final Set<String> OPERATORS = Set.of("$eq", "$ne", "$in", "$contains");

  private final String file;

  private PolicyParser(String file) {
    this.file = file;
  }

  static List<PolicyRule> parse(String source, String file) {
    return new PolicyParser(file).rules(YamlTree.parse(source, file));
  }

  private List<PolicyRule> rules(Node root) {
    if (!(root instanceof Mapping top)) {
      throw error(root.line(), "a policy is a mapping with the key rules");
    }
    for (Entry entry : top.entries().values()) {
      if (!entry.key().equals("rules")) {
        throw error(entry.line(), "unknown key '" + entry.key() + "'; a policy has only rules");
      }
    }
    Entry rules = top.entries().get("rules");
    if (rules == null) {
      throw error(top.line(), "missing key rules");
    }
    if (rules.value() instanceof Scalar s && (s.isNull() || s.text().isEmpty())) {
      return List.of();
    }
    if (!(rules.value() instanceof Sequence list)) {
      throw error(rules.line(), "rules must be a list of rules");
    }
    Map<String, Integer> names = new HashMap<>();
    List<PolicyRule> result = new ArrayList<>();
    for (Node item : list.items()) {
      PolicyRule rule = rule(item);
      Integer earlier = names.putIfAbsent(rule.name(), rule.line());
      if (earlier != null) {
        throw error(rule.line(), "duplicate rule name '" + rule.name() + "' (first at line " + earlier + ")");
      }
      result.add(rule);
    }
    return List.copyOf(result);
  }

  private PolicyRule rule(Node node) {
    if (!(node instanceof Mapping rule)) {
      throw error(node.line(), "a rule is a mapping with name, on, and optionally when, deny, metadata, filter");
    }
    for (Entry entry : rule.entries().values()) {
      if (!RULE_KEYS.contains(entry.key())) {
        throw error(entry.line(), "unknown key '" + entry.key()
            + "' in rule; expected name, on, when, deny, metadata or filter");
      }
    }
    Map<String, Entry> keys = rule.entries();
    Entry nameEntry = required(rule, "name");
    String name = text(nameEntry);
    if (name.isBlank()) {
      throw error(nameEntry.line(), "name must not be empty");
    }
    Entry onEntry = required(rule, "on");
    RuleTarget target;
    try {
      target = RuleTarget.parse(text(onEntry));
    } catch (IllegalArgumentException e) {
      throw error(onEntry.line(), e.getMessage());
    }
    Optional<CelExpressions.Compiled> when = Optional.ofNullable(keys.get("when"))
        .map(entry -> compile(entry, "when", text(entry), true));
    Optional<String> deny = Optional.ofNullable(keys.get("deny")).map(this::text);
    if (deny.isPresent() && (keys.containsKey("metadata") || keys.containsKey("filter"))) {
      Entry effect = keys.containsKey("metadata") ? keys.get("metadata") : keys.get("filter");
      throw error(effect.line(), "a rule that denies cannot also have " + effect.key());
    }
    Map<String, CelExpressions.Compiled> metadata = new LinkedHashMap<>();
    Entry metadataEntry = keys.get("metadata");
    if (metadataEntry != null) {
      for (Entry entry : mapping(metadataEntry).entries().values()) {
        metadata.put(entry.key(), compile(entry, "metadata." + entry.key(), text(entry), false));
      }
    }
    List<PolicyRule.FilterEntry> filter = new ArrayList<>();
    Entry filterEntry = keys.get("filter");
    if (filterEntry != null) {
      for (Entry entry : mapping(filterEntry).entries().values()) {
        filter.add(filterEntry(entry));
      }
    }
    return new PolicyRule(name, target, rule.line(), when, deny, metadata, filter);
  }

  private PolicyRule.FilterEntry filterEntry(Entry entry) {
    String where = "filter." + entry.key();
    if (!(entry.value() instanceof Mapping operator)) {
      return new PolicyRule.FilterEntry(entry.key(), "$eq", compile(entry, where, text(entry), false));
    }
    if (operator.entries().size() != 1) {
      throw error(entry.line(), where + " must be an expression or one of $eq, $ne, $in, $contains");
    }
    Entry op = operator.entries().values().iterator().next();
    if (!OPERATORS.contains(op.key())) {
      throw error(op.line(), "unknown operator '" + op.key() + "' in " + where + "; expected $eq, $ne, $in or $contains");
    }
    CelExpressions.Compiled value = compile(op, where + "." + op.key(), text(op), false);
    if (op.key().equals("$in") && value.resultKind() != CelKind.LIST && value.resultKind() != CelKind.DYN) {
      throw error(op.line(), where + ".$in must be a list, but `" + value.source() + "` is of kind "
          + value.resultKind().name().toLowerCase(java.util.Locale.ROOT));
    }
    return new PolicyRule.FilterEntry(entry.key(), op.key(), value);
  }

  private CelExpressions.Compiled compile(Entry entry, String where, String source, boolean condition) {
    try {
      return condition ? CelExpressions.condition(source) : CelExpressions.value(source);
    } catch (IllegalArgumentException e) {
      throw error(entry.line(), where + ": " + e.getMessage());
    }
  }

  private Entry required(Mapping rule, String key) {
    Entry entry = rule.entries().get(key);
    if (entry == null) {
      throw error(rule.line(), "rule is missing " + key);
    }
    return entry;
  }

  private Mapping mapping(Entry entry) {
    if (!(entry.value() instanceof Mapping m)) {
      throw error(entry.line(), entry.key() + " must be a mapping of keys to expressions");
    }
    return m;
  }

  private String text(Entry entry) {
    if (!(entry.value() instanceof Scalar s) || s.isNull()) {
      throw error(entry.line(), entry.key() + " must be a single value");
    }
    return s.text();
  }

  private PolicyException error(int line, String reason) {
    return new PolicyException(file, line, reason);
  }
}

package dev.portcullis.core.authrule;

import dev.portcullis.core.error.PortcullisException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How an auth rule names the workspace of a provider's user (API.md section 6): either one claim
 * name ({@code sub}, {@code org_id}, {@code https://example.com/tenant}) whose string value is
 * the workspace, or a template of literal text and {@code {claim}} placeholders such as
 * {@code {org_id}:{sub}}, each filled with a string claim of the token. Claims are top-level:
 * a dot or slash is part of the name, as in namespaced claims. Immutable.
 *
 * @param parts literal text and claim references, in order; never empty
 */
public record WorkspaceTemplate(List<Part> parts) {

  static final int MAX_LENGTH = 200;
  static final int MAX_CLAIMS = 8;

  public WorkspaceTemplate {
    parts = List.copyOf(parts);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a template has at least one part");
    }
  }

  /** A piece of a template. */
  public sealed interface Part {}

  /** Text copied as is. */
  public record Literal(String text) implements Part {}

  /** The string value of the token's claim {@code name}. */
  public record Claim(String name) implements Part {}

  /** What a token's claims make of the template. */
  public sealed interface Resolution {}

  /** Every claim was there: the workspace id. */
  public record Resolved(String workspaceId) implements Resolution {}

  /** The token lacks {@code claim}, or it is not a non-empty string. */
  public record MissingClaim(String claim) implements Resolution {}

  /**
   * The value of {@code claim} contains {@code separator}, a character of the literal text that
   * separates it from the next placeholder: filled in, it could not be told apart from other
   * values ({@code a:b}+{@code c} and {@code a}+{@code b:c} both give {@code a:b:c}), so two
   * users could share a workspace.
   */
  public record AmbiguousClaim(String claim, char separator) implements Resolution {}

  /**
   * Parses a {@code workspace_claim}.
   *
   * @throws PortcullisException {@code invalid_request} naming {@code workspace_claim} and what
   *     is wrong with it
   */
  public static WorkspaceTemplate parse(String value) {
    if (value == null || value.isEmpty()) {
      throw invalid("must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw invalid("must be at most " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw invalid("must not contain white space or control characters");
      }
    }
    if (value.indexOf('{') < 0 && value.indexOf('}') < 0) {
      return new WorkspaceTemplate(List.of(new Claim(value)));
    }
    List<Part> parts = new ArrayList<>();
    int claims = 0;
    int i = 0;
    while (i < value.length()) {
      int open = value.indexOf('{', i);
      int stray = value.indexOf('}', i);
      if (stray >= 0 && (open < 0 || stray < open)) {
        throw invalid("has a '}' without its '{' at position " + (stray + 1));
      }
      if (open < 0) {
        parts.add(new Literal(value.substring(i)));
        break;
      }
      if (open > i) {
        parts.add(new Literal(value.substring(i, open)));
      }
      int close = value.indexOf('}', open + 1);
      if (close < 0) {
        throw invalid("has a '{' without its '}' at position " + (open + 1));
      }
      String name = value.substring(open + 1, close);
      if (name.isEmpty()) {
        throw invalid("has an empty placeholder '{}' at position " + (open + 1));
      }
      if (name.indexOf('{') >= 0) {
        throw invalid("has a '{' inside a placeholder at position " + (open + 1 + name.indexOf('{') + 1));
      }
      if (!parts.isEmpty() && parts.getLast() instanceof Claim) {
        // {a}{b} cannot be told apart from {a} once filled: require a separator.
        throw invalid("needs literal text between placeholders, as in {org_id}:{sub}");
      }
      parts.add(new Claim(name));
      claims++;
      i = close + 1;
    }
    if (claims > MAX_CLAIMS) {
      throw invalid("may use at most " + MAX_CLAIMS + " claims");
    }
    return new WorkspaceTemplate(parts);
  }

  /** The claim names the template reads, in order. */
  public List<String> claimNames() {
    return parts.stream().filter(Claim.class::isInstance).map(p -> ((Claim) p).name()).toList();
  }

  /**
   * Fills the template from a token's claims; only non-empty string values count, so that an
   * object or number never becomes a workspace by its {@code toString}. A value followed by
   * another placeholder may not contain a character of the separator between them, which keeps
   * the filling one-to-one.
   */
  public Resolution resolve(Map<String, Object> claims) {
    Objects.requireNonNull(claims, "claims");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      switch (parts.get(i)) {
        case Literal literal -> out.append(literal.text());
        case Claim claim -> {
          if (!(claims.get(claim.name()) instanceof String s) || s.isEmpty()) {
            return new MissingClaim(claim.name());
          }
          if (i + 2 < parts.size() && parts.get(i + 1) instanceof Literal separator) {
            for (char c : separator.text().toCharArray()) {
              if (s.indexOf(c) >= 0) {
                return new AmbiguousClaim(claim.name(), c);
              }
            }
          }
          out.append(s);
        }
      }
    }
    return new Resolved(out.toString());
  }

  /** The template as written in {@code workspace_claim}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    boolean single = parts.size() == 1 && parts.getFirst() instanceof Claim;
    for (Part part : parts) {
      switch (part) {
        case Literal literal -> out.append(literal.text());
        case Claim claim -> out.append(single ? claim.name() : "{" + claim.name() + "}");
      }
    }
    return out.toString();
  }

  private static PortcullisException invalid(String problem) {
    return PortcullisException.invalidRequest("workspace_claim " + problem
        + ": give a claim name such as sub, or a template such as {org_id}:{sub}.");
  }
}

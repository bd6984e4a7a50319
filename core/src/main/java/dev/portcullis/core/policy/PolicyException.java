package dev.portcullis.core.policy;

import java.util.Objects;

/**
 * A policy file that cannot be used: its YAML, its structure or one of its CEL expressions is
 * wrong. The message reads {@code <file>:<line>: <reason>}, naming the line of the offending
 * rule or key, as compilers do.
 */
public final class PolicyException extends RuntimeException {

  private final String file;
  private final int line;
  private final String reason;

  public PolicyException(String file, int line, String reason) {
    super(Objects.requireNonNull(file, "file") + ":" + line + ": " + Objects.requireNonNull(reason, "reason"));
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** The file name given to the loader. */
  public String file() {
    return file;
  }

  /** The 1-based line of the offending rule or key. */
  public int line() {
    return line;
  }

  /** What is wrong, without the file and line. */
  public String reason() {
    return reason;
  }
}

package dev.portcullis.plugins.example;

import dev.portcullis.spi.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tokens file, read once: UTF-8 lines {@code <token>=<user>,<project id>}, for example
 * {@code user1-token=user1,prj_3x7Yq}; blank lines and lines starting with {@code #} are
 * skipped. Tokens end in {@value StaticTokenAuthenticator#SUFFIX} and must be unique; users are
 * 1 to 128 characters of {@code A-Z a-z 0-9 . _ @ -}; project ids start with {@code prj_}.
 * Only SHA-256 digests of the tokens are kept. Immutable and thread-safe.
 */
final class TokenFile {

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
  private static final Pattern PROJECT = Pattern.compile("prj_[A-Za-z0-9]{1,64}");

  /** Principals by the hex SHA-256 digest of their token. */
  private final Map<String, Principal> byDigest;

  private TokenFile(Map<String, Principal> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  /**
   * @throws IllegalArgumentException naming the file and, for a bad line, its number; never
   *     quoting a token
   */
  static TokenFile read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("tokens file " + file + " cannot be read: " + e);
    }
    Map<String, Principal> byDigest = new HashMap<>();
    Map<String, Integer> lineOfDigest = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "tokens file " + file + " line " + number;
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException(where + ": expected <token>=<user>,<project id>");
      }
      String token = line.substring(0, equals).strip();
      String[] fields = line.substring(equals + 1).split(",", -1);
      if (!StaticTokenAuthenticator.isOfThisFormat(token) || token.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(where + ": a token must end in " + StaticTokenAuthenticator.SUFFIX
            + ", hold no spaces, and not start with pc_ or eyJ");
      }
      if (fields.length != 2) {
        throw new IllegalArgumentException(where + ": expected <token>=<user>,<project id>");
      }
      String user = fields[0].strip();
      String project = fields[1].strip();
      if (!USER.matcher(user).matches()) {
        throw new IllegalArgumentException(where + ": the user must be 1 to 128 characters of A-Z a-z 0-9 . _ @ -");
      }
      if (!PROJECT.matcher(project).matches()) {
        throw new IllegalArgumentException(where + ": the project id must look like prj_...");
      }
      String digest = digest(token);
      Integer earlier = lineOfDigest.putIfAbsent(digest, number);
      if (earlier != null) {
        throw new IllegalArgumentException(where + ": repeats the token of line " + earlier);
      }
      byDigest.put(digest, principal(user, project, digest));
    }
    return new TokenFile(byDigest);
  }

  Optional<Principal> principalOf(String token) {
    return Optional.ofNullable(byDigest.get(digest(token)));
  }

  private static Principal principal(String user, String project, String digest) {
    return new Principal(Principal.Kind.CUSTOM, user, Optional.of(project), Optional.of(user), List.of(),
        Optional.empty(), "sha256:" + digest.substring(0, 32), Map.of());
  }

  /** Looking tokens up by digest keeps them out of memory and their comparison out of timing. */
  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

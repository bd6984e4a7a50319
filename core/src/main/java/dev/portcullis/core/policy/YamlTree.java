package dev.portcullis.core.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into nodes that remember their line, so that every error can name it.
 * Jackson's streaming parser gives each token's location; its tree model would not.
 */
final class YamlTree {

  private static final YAMLFactory YAML = YAMLFactory.builder().build();

  private YamlTree() {}

  sealed interface Node {
    int line();
  }

  /** A scalar; {@code text} is its source text, also for numbers and booleans. */
  record Scalar(String text, boolean isNull, int line) implements Node {}

  record Entry(String key, int line, Node value) {}

  record Mapping(Map<String, Entry> entries, int line) implements Node {}

  record Sequence(List<Node> items, int line) implements Node {}

  /** Reads the first document of {@code source}; an empty document is a null scalar at line 1. */
  static Node parse(String source, String fileName) {
    try (JsonParser parser = YAML.createParser(source)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return new Scalar("", true, 1);
      }
      return read(parser, fileName);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      int line = at == null ? 1 : Math.max(1, at.getLineNr());
      throw new PolicyException(fileName, line, "invalid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new PolicyException(fileName, 1, "cannot read YAML: " + e.getMessage());
    }
  }

  private static Node read(JsonParser parser, String fileName) throws IOException {
    int line = parser.currentTokenLocation().getLineNr();
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          int keyLine = parser.currentTokenLocation().getLineNr();
          parser.nextToken();
          Node value = read(parser, fileName);
          if (entries.putIfAbsent(key, new Entry(key, keyLine, value)) != null) {
            throw new PolicyException(fileName, keyLine, "duplicate key '" + key + "'");
          }
        }
        return new Mapping(entries, line);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(parser, fileName));
        }
        return new Sequence(items, line);
      }
      case VALUE_NULL -> {
        return new Scalar("", true, line);
      }
      default -> {
        return new Scalar(parser.getText(), false, line);
      }
    }
  }

  private static String firstLine(String message) {
    String text = message == null ? "syntax error" : message.strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}

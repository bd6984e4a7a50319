package dev.portcullis.server.http;

import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.store.PageRequest;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks of request values shared by handlers; each failure is a 400 naming the field. */
final class Validation {

  private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final int MAX_METADATA_BYTES = 16 * 1024;
  static final int MAX_NAME_LENGTH = 200;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private Validation() {}

  static String name(String value, String field) {
    if (value == null || value.isBlank()) {
      throw PortcullisException.invalidRequest(field + " is required.");
    }
    if (value.length() > MAX_NAME_LENGTH) {
      throw PortcullisException.invalidRequest(field + " must be at most " + MAX_NAME_LENGTH + " characters.");
    }
    return value.strip();
  }

  /** An RFC 3339 time with an offset, such as {@code 2030-01-01T00:00:00Z}. */
  static Instant time(String value, String field) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw PortcullisException.invalidRequest(field + " must be an RFC 3339 time such as 2030-01-01T00:00:00Z.");
    }
  }

  static Map<String, Object> metadata(Map<String, Object> metadata, String field) {
    if (metadata == null) {
      return Map.of();
    }
    for (String key : metadata.keySet()) {
      if (!METADATA_KEY.matcher(key).matches()) {
        throw PortcullisException.invalidRequest(field + " keys must be 1 to 64 of A-Z a-z 0-9 _ -, not \"" + key + "\".");
      }
    }
    int size;
    try {
      size = JSON.writeValueAsBytes(metadata).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw PortcullisException.invalidRequest(field + " must be a JSON object.");
    }
    if (size > MAX_METADATA_BYTES) {
      throw PortcullisException.invalidRequest(field + " must be at most 16 KiB of JSON.");
    }
    return metadata;
  }

  static PageRequest page(Context ctx) {
    return PageRequest.parse(Optional.ofNullable(ctx.queryParam("limit")), Optional.ofNullable(ctx.queryParam("after")));
  }
}

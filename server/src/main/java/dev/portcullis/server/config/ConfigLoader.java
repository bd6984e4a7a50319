package dev.portcullis.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.core.model.ModelCatalog;
import dev.portcullis.server.ws.SocketLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link ServerConfig} from, in order of precedence, command-line flags, the
 * environment ({@code PORTCULLIS_<KEY>}, the key upper-cased with '-' as '_'), an optional
 * YAML file, and the defaults below. Keys are kebab-case. A bad value stops the server with a
 * message naming its key.
 */
public final class ConfigLoader {

  /** Every key with its default; the one place defaults live. */
  static final Map<String, String> DEFAULTS = defaults();

  private ConfigLoader() {}

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("host", "127.0.0.1");
    d.put("port", "8080");
    d.put("data", "./data");
    d.put("db", "");
    d.put("public-url", "");
    d.put("allowed-origins", "");
    d.put("echo-delay-ms", "0");
    d.put("max-body-bytes", Long.toString(1024 * 1024));
    d.put("openai-base-url", "");
    d.put("openai-api-key", "");
    d.put("key-encryption-key", "");
    d.put("plugins", "");
    d.put("policy", "");
    d.put("client-token-max-ttl-seconds", Long.toString(dev.portcullis.core.clienttoken.ClientTokens.DEFAULT_MAX_TTL.toSeconds()));
    SocketLimits ws = SocketLimits.DEFAULTS;
    d.put("ws-max-frame-bytes", Integer.toString(ws.maxFrameBytes()));
    d.put("ws-frames-per-second", Integer.toString(ws.framesPerSecond()));
    d.put("ws-frame-burst", Integer.toString(ws.frameBurst()));
    d.put("ws-idle-timeout-ms", Long.toString(ws.idleTimeout().toMillis()));
    d.put("ws-max-sockets-per-principal", Integer.toString(ws.socketsPerPrincipal()));
    return Map.copyOf(d);
  }

  /**
   * @param flags values given on the command line, by key
   * @param env the process environment
   * @param file an optional YAML file of {@code key: value}
   * @throws ConfigException naming the key whose value is bad
   */
  public static ServerConfig load(Map<String, String> flags, Map<String, String> env, Optional<Path> file) {
    Map<String, String> fromFile = file.map(ConfigLoader::readYaml).orElse(Map.of());
    for (String key : flags.keySet()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new ConfigException(key + " is not a configuration key");
      }
    }
    Map<String, String> v = new HashMap<>();
    for (String key : DEFAULTS.keySet()) {
      String envName = "PORTCULLIS_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
      String value = flags.getOrDefault(key, env.getOrDefault(envName, fromFile.getOrDefault(key, DEFAULTS.get(key))));
      v.put(key, value.strip());
    }
    int port = intIn(v, "port", 0, 65535);
    long maxBody = intIn(v, "max-body-bytes", 1024, 64 * 1024 * 1024);
    int echoDelay = intIn(v, "echo-delay-ms", 0, 10_000);
    int clientTokenMaxTtl = intIn(v, "client-token-max-ttl-seconds", 60, 366 * 86_400);
    SocketLimits socketLimits = new SocketLimits(intIn(v, "ws-max-frame-bytes", 1024, 16 * 1024 * 1024),
        intIn(v, "ws-frames-per-second", 1, 10_000), intIn(v, "ws-frame-burst", 1, 10_000),
        Duration.ofMillis(intIn(v, "ws-idle-timeout-ms", 100, 86_400_000)),
        intIn(v, "ws-max-sockets-per-principal", 1, 100_000));
    Optional<URI> publicUrl = optional(v, "public-url").map(s -> httpUrl("public-url", s));
    List<String> origins = optional(v, "allowed-origins")
        .map(s -> Arrays.stream(s.split(",")).map(String::strip).filter(o -> !o.isEmpty())
            .map(o -> httpUrl("allowed-origins", o).toString()).toList())
        .orElse(List.of());
    Optional<ModelCatalog.OpenAiEndpoint> openAi = optional(v, "openai-base-url")
        .map(s -> new ModelCatalog.OpenAiEndpoint(httpUrl("openai-base-url", s),
            optional(v, "openai-api-key").orElse("")));
    Optional<String> db = optional(v, "db");
    db.ifPresent(url -> {
      if (!url.startsWith("postgresql://") && !url.startsWith("postgres://") && !url.startsWith("jdbc:postgresql:")) {
        throw new ConfigException("db must be a postgresql:// URL (leave it unset for embedded SQLite)");
      }
    });
    if (v.get("host").isEmpty()) {
      throw new ConfigException("host must not be empty");
    }
    Optional<String> kek = optional(v, "key-encryption-key");
    kek.ifPresent(k -> {
      try {
        dev.portcullis.core.jwt.KeyEncryption.fromBase64(k);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("key-encryption-key must be base64url of 32 random bytes");
      }
    });
    return new ServerConfig(v.get("host"), port, Path.of(v.get("data")), db, publicUrl, origins,
        Duration.ofMillis(echoDelay), maxBody, openAi, kek, optional(v, "plugins").map(Path::of),
        optional(v, "policy").map(Path::of), Duration.ofSeconds(clientTokenMaxTtl), socketLimits);
  }

  private static Optional<String> optional(Map<String, String> v, String key) {
    return v.get(key).isEmpty() ? Optional.empty() : Optional.of(v.get(key));
  }

  private static int intIn(Map<String, String> v, String key, int min, int max) {
    try {
      int n = Integer.parseInt(v.get(key));
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(key + " must be an integer between " + min + " and " + max + ", not \"" + v.get(key) + "\"");
  }

  private static URI httpUrl(String key, String s) {
    try {
      URI uri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      if ((uri.getScheme() != null && uri.getScheme().matches("https?")) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ConfigException(key + " must be an http(s) URL, not \"" + s + "\"");
  }

  private static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    if (root == null) {
      return values;
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + " must be a mapping of key: value");
    }
    root.fields().forEachRemaining(e -> {
      if (!DEFAULTS.containsKey(e.getKey())) {
        throw new ConfigException("config file " + file + ": " + e.getKey() + " is not a configuration key");
      }
      values.put(e.getKey(), e.getValue().isArray()
          ? String.join(",", iterable(e.getValue())) : e.getValue().asText());
    });
    return values;
  }

  private static List<String> iterable(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}

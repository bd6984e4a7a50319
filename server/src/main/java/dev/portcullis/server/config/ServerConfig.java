package dev.portcullis.server.config;

import dev.portcullis.core.model.ModelCatalog;
import dev.portcullis.server.ws.SocketLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything a server is configured with, validated. Built by {@link ConfigLoader}.
 *
 * @param db a PostgreSQL URL; empty means embedded SQLite under {@code dataDir}
 * @param publicUrl the URL browsers and token verifiers know this server by
 * @param maxBodyBytes requests with larger bodies are refused with 413
 * @param keyEncryptionKey protects signing keys at rest; empty means {@code <data>/key-encryption.key}
 * @param pluginsDir a directory of plugin jars
 * @param policyFile a YAML policy replacing the built-in rule set (API.md section 7)
 * @param clientTokenMaxTtl the longest lifetime a client token may be minted with
 * @param socketLimits frame size, frame rate, idle timeout and sockets per principal of {@code GET /v1/ws}
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Optional<String> db,
    Optional<URI> publicUrl,
    List<String> allowedOrigins,
    Duration echoDelay,
    long maxBodyBytes,
    Optional<ModelCatalog.OpenAiEndpoint> openAi,
    Optional<String> keyEncryptionKey,
    Optional<Path> pluginsDir,
    Optional<Path> policyFile,
    Duration clientTokenMaxTtl,
    SocketLimits socketLimits) {

  public ServerConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  @Override
  public String toString() {
    // db may carry a password; the OpenAI endpoint redacts its own key.
    return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", db="
        + db.map(d -> d.startsWith("jdbc:") || !d.contains("@") ? "<set>" : "postgresql://<redacted>@"
            + d.substring(d.indexOf('@') + 1)).orElse("sqlite") + ", publicUrl=" + publicUrl.orElse(null)
        + ", allowedOrigins=" + allowedOrigins + ", echoDelay=" + echoDelay + ", maxBodyBytes="
        + maxBodyBytes + ", openAi=" + openAi.orElse(null) + ", keyEncryptionKey="
        + keyEncryptionKey.map(k -> "<redacted>").orElse("<data>") + ", pluginsDir=" + pluginsDir.orElse(null) + ", policyFile=" + policyFile.orElse(null)
        + ", clientTokenMaxTtl=" + clientTokenMaxTtl + ", socketLimits=" + socketLimits + "]";
  }
}

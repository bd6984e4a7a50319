package dev.portcullis.core.model;

import dev.portcullis.core.error.PortcullisException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

/**
 * Resolves an agent's {@code model} name to a {@link ChatModel}: {@code echo}, or
 * {@code openai:<model>} against the OpenAI-compatible endpoint of the server's
 * configuration (never one a client names). Thread-safe.
 */
public final class ModelCatalog {

  public static final String ECHO = "echo";
  public static final String OPENAI_PREFIX = "openai:";

  private final EchoModel echo;
  private final Optional<OpenAiEndpoint> openAi;
  private final HttpClient http;

  /** Where {@code openai:} models are served, and the key the server uses there. */
  public record OpenAiEndpoint(URI baseUrl, String apiKey) {
    @Override
    public String toString() {
      return "OpenAiEndpoint[baseUrl=" + baseUrl + ", apiKey=<redacted>]";
    }
  }

  public ModelCatalog(Duration echoDelay, Optional<OpenAiEndpoint> openAi) {
    this.echo = new EchoModel(echoDelay);
    this.openAi = openAi;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** @throws PortcullisException {@code invalid_request} when {@code name} names no model */
  public void validate(String name) {
    if (name.equals(ECHO)) {
      return;
    }
    if (name.startsWith(OPENAI_PREFIX) && name.length() > OPENAI_PREFIX.length()) {
      return;
    }
    throw PortcullisException.invalidRequest(
        "model must be \"echo\" or \"openai:<model>\", not \"" + name + "\".");
  }

  /** The model for {@code name}, which {@link #validate} accepted. */
  public ChatModel resolve(String name) {
    validate(name);
    if (name.equals(ECHO)) {
      return echo;
    }
    OpenAiEndpoint endpoint = openAi.orElseThrow(() -> new PortcullisException(
        dev.portcullis.core.error.ErrorCode.UNAVAILABLE,
        "No OpenAI-compatible endpoint is configured on this server."));
    return new OpenAiChatModel(http, endpoint, name.substring(OPENAI_PREFIX.length()));
  }
}

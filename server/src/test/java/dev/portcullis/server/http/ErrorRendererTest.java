package dev.portcullis.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The renderer keeps internals out of 500s (Helidon's ErrorHandlingTest, over real HTTP). */
class ErrorRendererTest {

  @Test
  void unexpectedExceptionWhenThrownThenGeneric500WithRequestIdAndNoDetail() {
    ErrorRenderer renderer = new ErrorRenderer(new ObjectMapper());
    Javalin app = Javalin.create(cfg -> {
      renderer.install(cfg);
      cfg.startup.showJavalinBanner = false;
      cfg.routes.get("/boom", ctx -> {
        throw new IllegalStateException("secret detail: jdbc:postgresql://db/prod password=hunter2");
      });
    }).start("127.0.0.1", 0);
    try {
      Api.Reply reply = new Api("http://127.0.0.1:" + app.port(), Optional.empty()).get("/boom");
      reply.expectError(500, "internal");
      assertThat(reply.body()).doesNotContain("secret", "hunter2", "IllegalStateException", "at dev.");
      assertThat(reply.json().get("error").get("message").asText())
          .contains(reply.json().get("error").get("request_id").asText());
    } finally {
      app.stop();
    }
  }

  @Test
  void wwwAuthenticateWhenDescriptionHasQuotesThenTheyCannotBreakTheHeader() {
    String header = ErrorRenderer.wwwAuthenticate(dev.portcullis.core.error.ErrorCode.INVALID_TOKEN, "bad \"quoted\" \\ value");
    assertThat(header).isEqualTo(
        "Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"bad 'quoted'  value\"");
  }
}

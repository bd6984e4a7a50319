package dev.portcullis.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.AuditStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.spi.Credential;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditLogTest {

  /** The log in a list; fails every append when told to. */
  static final class ListAuditStore implements AuditStore {
    final List<AuditEvent> events = new ArrayList<>();
    volatile boolean failing;

    @Override
    public synchronized long append(AuditEvent event) {
      if (failing) {
        throw new IllegalStateException("database down");
      }
      events.add(event);
      return events.size();
    }

    @Override
    public synchronized Page<Recorded> list(Optional<String> projectId, PageRequest page) {
      throw new UnsupportedOperationException();
    }
  }

  private static Credential header(String value) {
    return new Credential(value, Credential.Source.AUTHORIZATION_HEADER);
  }

  @Test
  void authenticationFailedWhenServerKeyThenDisplayPrefixAndNeverTheKey() {
    ListAuditStore store = new ListAuditStore();
    String key = OpaqueSecrets.mint(SecretKind.SERVER_KEY).value();
    try (AuditLog log = new AuditLog(store, Clock.systemUTC())) {
      log.authenticationFailed(Optional.of(header(key)), ErrorCode.INVALID_TOKEN, "bad " + key, "req_1");
      assertThat(log.flush(Duration.ofSeconds(5))).isTrue();
    }

    AuditEvent event = store.events.getFirst();
    assertThat(event.actor()).isEqualTo(key.substring(0, 10)).startsWith("pc_sk_");
    assertThat(event.toString()).doesNotContain(key);
    assertThat(event.reason()).contains("bad <redacted>");
    assertThat(event.decision()).isEqualTo(AuditEvent.Outcome.FAILED);
    assertThat(event.projectId()).isEmpty();
  }

  @Test
  void describeWhenJwtThenKidOnly() {
    String header = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"EdDSA\",\"kid\":\"k-1\"}".getBytes(StandardCharsets.UTF_8));
    String jwt = header + ".eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    assertThat(AuditLog.describe(Optional.of(header(jwt)))).isEqualTo("jwt kid=k-1");
    assertThat(AuditLog.describe(Optional.of(new Credential(jwt, Credential.Source.QUERY))))
        .isEqualTo("jwt kid=k-1 via query");
  }

  @Test
  void describeWhenShortOrUnknownThenNothingOfTheValue() {
    assertThat(AuditLog.describe(Optional.of(header("pc_sk_short")))).isEqualTo("pc_sk_(malformed)");
    assertThat(AuditLog.describe(Optional.of(header("hunter2hunter2")))).doesNotContain("hunter2");
    assertThat(AuditLog.describe(Optional.empty())).isEqualTo("none");
  }

  @Test
  void appendWhenDatabaseFailsThenNothingThrown() {
    ListAuditStore store = new ListAuditStore();
    store.failing = true;
    try (AuditLog log = new AuditLog(store, Clock.systemUTC())) {
      log.authenticationFailed(Optional.empty(), ErrorCode.UNAUTHENTICATED, "no credential", "req_1");
      assertThat(log.flush(Duration.ofSeconds(5))).isTrue();
      store.failing = false;
      log.authenticationFailed(Optional.empty(), ErrorCode.UNAUTHENTICATED, "no credential", "req_2");
      assertThat(log.flush(Duration.ofSeconds(5))).isTrue();
    }

    assertThat(store.events).extracting(AuditEvent::requestId).containsExactly(Optional.of("req_2"));
  }
}

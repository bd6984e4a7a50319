package dev.portcullis.core.jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand; starts at the real time, whole seconds. */
final class MutableClock extends Clock {
  volatile Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());

  void advance(Duration by) {
    now = now.plus(by);
  }

  @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
  @Override public Clock withZone(ZoneId zone) { return this; }
  @Override public Instant instant() { return now; }
}

package dev.portcullis.server.ws;

import java.time.Duration;

/**
 * The limits that keep one WebSocket client from hurting others (API.md section 8). Exceeding
 * one of the first four closes the socket with {@code 4008} and a reason; the last refuses a
 * further upgrade with {@code 429 rate_limited}.
 *
 * @param maxFrameBytes the largest text frame a client may send, in UTF-8 bytes
 * @param framesPerSecond the sustained rate of frames a client may send
 * @param frameBurst how many frames a client may send at once above that rate (a token bucket of this size)
 * @param idleTimeout how long a socket may go without a frame from its client
 * @param socketsPerPrincipal how many sockets one principal may hold open on this server
 */
public record SocketLimits(int maxFrameBytes, int framesPerSecond, int frameBurst, Duration idleTimeout,
    int socketsPerPrincipal) {

  /** The defaults of the configuration table in the README. */
  public static final SocketLimits DEFAULTS = new SocketLimits(64 * 1024, 20, 40, Duration.ofSeconds(60), 20);

  public SocketLimits {
    if (maxFrameBytes < 1 || framesPerSecond < 1 || frameBurst < 1 || socketsPerPrincipal < 1
        || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("socket limits must be positive");
    }
  }
}

package dev.portcullis.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 connection driven by hand, for requests no client library would send, or would
 * not send over one connection in a known order.
 */
final class RawHttp implements AutoCloseable {

  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");

  private final Socket socket;
  private final InputStream in;

  RawHttp(int port) throws IOException {
    this.socket = new Socket("127.0.0.1", port);
    this.in = socket.getInputStream();
  }

  /** Sends {@code request} byte for byte on a new connection and returns the response. */
  static String once(int port, String request) throws IOException {
    try (RawHttp connection = new RawHttp(port)) {
      return connection.exchange(request);
    }
  }

  /**
   * Sends {@code request} byte for byte and reads one response: its head, then exactly
   * Content-Length bytes of body, so that the connection can carry the next request.
   */
  String exchange(String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    Matcher length = CONTENT_LENGTH.matcher(head);
    byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
    return head + new String(body, StandardCharsets.UTF_8);
  }

  /** A keep-alive {@code GET path} with {@code Authorization: Bearer credential}. */
  static String get(String path, String credential) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + credential + "\r\n\r\n";
  }

  /** {@code value} with the case of its last letter changed: the same credential but for case. */
  /** A raw WebSocket upgrade request for {@code target}, so that a refusal's status, headers and body can be read. */
  static String upgrade(String target, String extraHeaders) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + extraHeaders + "\r\n";
  }

  static String lastLetterCaseFlipped(String value) {
    char[] chars = value.toCharArray();
    for (int i = chars.length - 1; i >= 0; i--) {
      if (Character.isLetter(chars[i])) {
        chars[i] = Character.isUpperCase(chars[i]) ? Character.toLowerCase(chars[i]) : Character.toUpperCase(chars[i]);
        return new String(chars);
      }
    }
    throw new IllegalArgumentException("no letter to change");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

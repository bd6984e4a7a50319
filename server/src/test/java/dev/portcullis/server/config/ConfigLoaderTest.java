package dev.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void loadWhenNothingGivenThenDefaults() {
    ServerConfig c = ConfigLoader.load(Map.of(), Map.of(), Optional.empty());
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.db()).isEmpty();
    assertThat(c.maxBodyBytes()).isEqualTo(1024 * 1024);
  }

  @Test
  void loadWhenPluginsGivenThenPluginsDirFromFlagEnvironmentOrFile() throws Exception {
    assertThat(ConfigLoader.load(Map.of(), Map.of(), Optional.empty()).pluginsDir()).isEmpty();
    Path file = Files.writeString(dir.resolve("p.yaml"), "plugins: /from/file\n");
    assertThat(ConfigLoader.load(Map.of(), Map.of(), Optional.of(file)).pluginsDir()).hasValue(Path.of("/from/file"));
    assertThat(ConfigLoader.load(Map.of(), Map.of("PORTCULLIS_PLUGINS", "/from/env"), Optional.of(file)).pluginsDir())
        .hasValue(Path.of("/from/env"));
    assertThat(ConfigLoader.load(Map.of("plugins", "./plugins"), Map.of("PORTCULLIS_PLUGINS", "/from/env"),
        Optional.of(file)).pluginsDir()).hasValue(Path.of("./plugins"));
  }

  @Test
  void loadWhenSetEverywhereThenFlagBeatsEnvironmentBeatsFile() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "port: 1111\necho-delay-ms: 5\nallowed-origins: [\"https://a.example\", \"https://b.example\"]\n");
    ServerConfig fileOnly = ConfigLoader.load(Map.of(), Map.of(), Optional.of(file));
    assertThat(fileOnly.port()).isEqualTo(1111);
    assertThat(fileOnly.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
    ServerConfig env = ConfigLoader.load(Map.of(), Map.of("PORTCULLIS_PORT", "2222"), Optional.of(file));
    assertThat(env.port()).isEqualTo(2222);
    assertThat(env.echoDelay().toMillis()).isEqualTo(5);
    ServerConfig flag = ConfigLoader.load(Map.of("port", "3333"), Map.of("PORTCULLIS_PORT", "2222"), Optional.of(file));
    assertThat(flag.port()).isEqualTo(3333);
  }

  @Test
  void loadWhenValueBadThenMessageNamesTheKey() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("port", "99999"), Map.of(), Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("port must be");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("PORTCULLIS_DB", "mysql://x"), Optional.empty()))
        .hasMessageStartingWith("db must be");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("public-url", "not a url"), Map.of(), Optional.empty()))
        .hasMessageStartingWith("public-url must be");
  }

  @Test
  void loadWhenClientTokenAndSocketKeysThenDefaultsOverridesAndRangesNamingTheKey() {
    ServerConfig defaults = ConfigLoader.load(Map.of(), Map.of(), Optional.empty());
    assertThat(defaults.clientTokenMaxTtl()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(defaults.socketLimits()).isEqualTo(dev.portcullis.server.ws.SocketLimits.DEFAULTS);

    ServerConfig set = ConfigLoader.load(Map.of("client-token-max-ttl-seconds", "3600", "ws-max-frame-bytes", "2048",
        "ws-frames-per-second", "5", "ws-frame-burst", "7", "ws-idle-timeout-ms", "1500",
        "ws-max-sockets-per-principal", "3"), Map.of(), Optional.empty());
    assertThat(set.clientTokenMaxTtl()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(set.socketLimits()).isEqualTo(new dev.portcullis.server.ws.SocketLimits(2048, 5, 7,
        java.time.Duration.ofMillis(1500), 3));

    for (Map.Entry<String, String> bad : Map.of("client-token-max-ttl-seconds", "59", "ws-max-frame-bytes", "10",
        "ws-frames-per-second", "0", "ws-frame-burst", "many", "ws-idle-timeout-ms", "-1",
        "ws-max-sockets-per-principal", "0").entrySet()) {
      assertThatThrownBy(() -> ConfigLoader.load(Map.of(bad.getKey(), bad.getValue()), Map.of(), Optional.empty()))
          .as(bad.getKey()).isInstanceOf(ConfigException.class).hasMessageStartingWith(bad.getKey() + " must be");
    }
  }

  @Test
  void loadWhenFileHasUnknownKeyThenRefusedNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "prot: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(file)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("prot");
  }

  @Test
  void toStringWhenDatabaseUrlHasPasswordThenRedacted() {
    ServerConfig c = ConfigLoader.load(Map.of("db", "postgresql://app:hunter2@db.internal:5432/p"), Map.of(), Optional.empty());
    assertThat(c.toString()).doesNotContain("hunter2").contains("db.internal");
  }
}

package dev.portcullis.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.server.config.ConfigException;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthorizationHandler;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDirectoryTest {

  @TempDir Path dir;

  @Test
  void openWhenDirectoryMissingThenConfigExceptionNamingIt() {
    Path missing = dir.resolve("plugins");
    assertThatThrownBy(() -> PluginDirectory.open(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage("plugins directory " + missing.toAbsolutePath() + " does not exist");
  }

  @Test
  void openWhenPathIsAFileThenConfigExceptionNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("plugins"), "");
    assertThatThrownBy(() -> PluginDirectory.open(file))
        .isInstanceOf(ConfigException.class).hasMessageContaining(file.toString()).hasMessageContaining("not a directory");
  }

  @Test
  void openWhenNoJarsThenNoAuthenticators() throws IOException {
    Files.writeString(dir.resolve("README.txt"), "not a plugin");
    try (PluginDirectory plugins = PluginDirectory.open(dir)) {
      assertThat(plugins.authenticators()).isEmpty();
    }
  }

  @Test
  void openWhenJarListsAnAuthenticatorThenOnlyItIsCreatedNotTheServersClassPathProviders() {
    PluginJars.listing(dir.resolve("fixed.jar"), TestPlugins.Fixed.class.getName());
    try (PluginDirectory plugins = PluginDirectory.open(dir)) {
      assertThat(plugins.authenticators()).singleElement().isInstanceOf(TestPlugins.Fixed.class);
      AuthnResult result = plugins.authenticators().getFirst()
          .authenticate(AuthnRequest.of(new Credential(TestPlugins.FIXED_CREDENTIAL, Credential.Source.AUTHORIZATION_HEADER)));
      assertThat(result).isInstanceOf(AuthnResult.Authenticated.class);
    }
  }

  @Test
  void openWhenJarHasNoServiceFileThenItIsALibraryAndNothingIsLoaded() {
    PluginJars.write(dir.resolve("library.jar"), java.util.Map.of("com/example/Lib.txt", new byte[] {1}));
    try (PluginDirectory plugins = PluginDirectory.open(dir)) {
      assertThat(plugins.authenticators()).isEmpty();
    }
  }

  @Test
  void openWhenJarIsCorruptThenConfigExceptionNamingIt() throws IOException {
    Path jar = Files.writeString(dir.resolve("broken.jar"), "this is not a zip file");
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("plugin " + jar + " cannot be read as a jar");
  }

  @Test
  void openWhenListedClassIsMissingThenConfigExceptionNamingJarAndClass() {
    Path jar = PluginJars.listing(dir.resolve("missing.jar"), "com.example.NotThere");
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("plugin " + jar + ": com.example.NotThere cannot be loaded");
  }

  @Test
  void openWhenListedClassIsNoAuthenticatorThenConfigExceptionNamingTheJar() {
    String name = TestPlugins.NotAnAuthenticator.class.getName();
    Path jar = PluginJars.listing(dir.resolve("wrong.jar"), name);
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("plugin " + jar + ": " + name + " cannot be loaded")
        .hasMessageContaining("not a subtype");
  }

  /** ServiceLoader silently skips class-path providers of named modules; the server must not. */
  @Test
  void openWhenListedClassIsSkippedByServiceLoaderThenConfigExceptionNamingTheJar() {
    Path jar = PluginJars.listing(dir.resolve("jdk.jar"), "java.lang.StringBuilder");
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("plugin " + jar + ": java.lang.StringBuilder is listed");
  }

  @Test
  void openWhenNoPublicNoArgumentConstructorThenConfigExceptionNamingTheJar() {
    Path jar = PluginJars.listing(dir.resolve("ctor.jar"), TestPlugins.NoDefaultConstructor.class.getName());
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("plugin " + jar + ": " + TestPlugins.NoDefaultConstructor.class.getName());
  }

  @Test
  void openWhenConstructorThrowsThenConfigExceptionNamingTheJarAndTheCause() {
    Path jar = PluginJars.listing(dir.resolve("failing.jar"), TestPlugins.FailingConstructor.class.getName());
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("plugin " + jar + ": " + TestPlugins.FailingConstructor.class.getName()
            + " could not be created")
        .hasMessageContaining("EXAMPLE_PLUGIN_URL is not set");
  }

  @Test
  void openWhenTwoJarsListTheSameClassThenConfigExceptionNamingBoth() {
    Path a = PluginJars.listing(dir.resolve("a.jar"), TestPlugins.Fixed.class.getName());
    Path b = PluginJars.listing(dir.resolve("b.jar"), TestPlugins.Fixed.class.getName());
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining(a.toString()).hasMessageContaining(b.toString());
  }

  @Test
  void openWhenJarsListSeveralAuthenticatorsThenTheyComeInTheOrderOfTheJarsNames() {
    PluginJars.listing(dir.resolve("2-throwing.jar"), TestPlugins.Throwing.class.getName());
    PluginJars.listing(dir.resolve("1-fixed.jar"), TestPlugins.Fixed.class.getName());
    try (PluginDirectory plugins = PluginDirectory.open(dir)) {
      assertThat(plugins.authenticators()).extracting(a -> a.getClass().getSimpleName())
          .containsExactly("Fixed", "Throwing");
    }
  }

  @Test
  void openWhenJarListsAnAuthorizationHandlerThenItIsLoadedBesideNoAuthenticator() {
    PluginJars.listing(dir.resolve("read-only.jar"), AuthorizationHandler.class, TestPlugins.ReadOnlyThreads.class.getName());
    try (PluginDirectory plugins = PluginDirectory.open(dir)) {
      assertThat(plugins.authenticators()).isEmpty();
      assertThat(plugins.authorizationHandlers()).singleElement().isInstanceOf(TestPlugins.ReadOnlyThreads.class);
    }
  }

  @Test
  void openWhenOneJarListsBothServicesThenBothAreLoaded() {
    PluginJars.write(dir.resolve("both.jar"), java.util.Map.of(
        PluginDirectory.serviceFile(AuthorizationHandler.class), bytes(TestPlugins.ReadOnlyThreads.class.getName()),
        PluginDirectory.serviceFile(dev.portcullis.spi.Authenticator.class), bytes(TestPlugins.Fixed.class.getName())));
    try (PluginDirectory plugins = PluginDirectory.open(dir)) {
      assertThat(plugins.authenticators()).singleElement().isInstanceOf(TestPlugins.Fixed.class);
      assertThat(plugins.authorizationHandlers()).singleElement().isInstanceOf(TestPlugins.ReadOnlyThreads.class);
    }
  }

  @Test
  void openWhenAuthenticatorIsListedAsAuthorizationHandlerThenConfigExceptionNamingTheJar() {
    String name = TestPlugins.Fixed.class.getName();
    Path jar = PluginJars.listing(dir.resolve("misfiled.jar"), AuthorizationHandler.class, name);
    assertThatThrownBy(() -> PluginDirectory.open(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("plugin " + jar + ": " + name + " cannot be loaded")
        .hasMessageContaining("not a subtype");
  }

  private static byte[] bytes(String line) {
    return (line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}

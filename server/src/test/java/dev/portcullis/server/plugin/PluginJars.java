package dev.portcullis.server.plugin;

import dev.portcullis.spi.Authenticator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Builds plugin jars for tests. */
public final class PluginJars {

  private PluginJars() {}

  /** The example authenticator plugin's compiled classes. */
  public static Path exampleClasses() {
    return exampleClasses("example-authenticator");
  }

  /**
   * The compiled classes of the example plugin in {@code plugins/<module>} (Surefire names the
   * directory; the reactor builds the modules first).
   */
  public static Path exampleClasses(String module) {
    Path classes = Path.of(System.getProperty("portcullis.plugins.dir", "../plugins"), module, "target/classes");
    if (!Files.isDirectory(classes.resolve("META-INF/services"))) {
      throw new IllegalStateException(classes.toAbsolutePath() + " holds no compiled example plugin; build with -am");
    }
    return classes;
  }

  /** A jar of every file under {@code classes}, as {@code mvn package} would make it. */
  public static Path fromClasses(Path classes, Path jar) {
    Map<String, byte[]> entries = new TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        entries.put(classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return write(jar, entries);
  }

  /** A jar that holds nothing but a service file listing authenticators {@code providers} (found on the test class path). */
  public static Path listing(Path jar, String... providers) {
    return listing(jar, Authenticator.class, providers);
  }

  /** A jar that holds nothing but the service file of {@code service} listing {@code providers}. */
  public static Path listing(Path jar, Class<?> service, String... providers) {
    return write(jar, Map.of(PluginDirectory.serviceFile(service),
        (String.join("\n", List.of(providers)) + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  public static Path write(Path jar, Map<String, byte[]> entries) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
        if (e.getKey().equals("META-INF/MANIFEST.MF")) {
          continue;
        }
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jar;
  }
}

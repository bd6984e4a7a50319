package dev.portcullis.server.plugin;

import dev.portcullis.server.config.ConfigException;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.AuthorizationHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin jars of one directory, opened: one {@link URLClassLoader} over every {@code *.jar}
 * in it (so a plugin may ship its libraries as sibling jars), whose parent is the server's
 * class loader, and the {@link Authenticator}s and {@link AuthorizationHandler}s that
 * {@link ServiceLoader} finds through it.
 *
 * <p>Only providers that a jar of the directory lists in its service file
 * ({@link #serviceFile}) are loaded, so that nothing on the server's own class path becomes a
 * plugin by accident. Everything is checked at {@link #open}: a missing directory, a jar that
 * cannot be read, a listed class that cannot be found or does not implement the service it is
 * listed for, or a constructor that throws is a {@link ConfigException} that names the directory
 * or the jar, and the server does not start. Closing releases the jars; call it only once no
 * request can reach the plugins any more.
 */
public final class PluginDirectory implements AutoCloseable {

  /** The services a plugin may provide. */
  static final List<Class<?>> SERVICES = List.of(Authenticator.class, AuthorizationHandler.class);

  private static final Logger LOG = LoggerFactory.getLogger(PluginDirectory.class);

  private final List<Authenticator> authenticators;
  private final List<AuthorizationHandler> authorizationHandlers;
  private final Optional<URLClassLoader> loader;

  private PluginDirectory(List<Authenticator> authenticators, List<AuthorizationHandler> authorizationHandlers,
      Optional<URLClassLoader> loader) {
    this.authenticators = List.copyOf(authenticators);
    this.authorizationHandlers = List.copyOf(authorizationHandlers);
    this.loader = loader;
  }

  /** No plugins (no {@code plugins} directory configured). */
  public static PluginDirectory none() {
    return new PluginDirectory(List.of(), List.of(), Optional.empty());
  }

  /** Where a jar lists its providers of {@code service}, one class name a line ({@link ServiceLoader}'s format). */
  public static String serviceFile(Class<?> service) {
    return "META-INF/services/" + service.getName();
  }

  /**
   * Opens {@code directory} with the server's class loader as the plugins' parent.
   *
   * @throws ConfigException naming the directory or the jar at fault
   */
  public static PluginDirectory open(Path directory) {
    return open(directory, PluginDirectory.class.getClassLoader());
  }

  static PluginDirectory open(Path directory, ClassLoader parent) {
    if (!Files.exists(directory)) {
      throw new ConfigException("plugins directory " + directory.toAbsolutePath().normalize() + " does not exist");
    }
    if (!Files.isDirectory(directory)) {
      throw new ConfigException("plugins directory " + directory.toAbsolutePath().normalize() + " is not a directory");
    }
    List<Path> jars = jarsIn(directory);
    if (jars.isEmpty()) {
      LOG.warn("plugins directory {} holds no .jar files; no plugins loaded", directory.toAbsolutePath().normalize());
      return none();
    }
    Map<Class<?>, Map<String, Path>> listings = new LinkedHashMap<>();
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      for (Class<?> service : SERVICES) {
        Map<String, Path> listedBy = listings.computeIfAbsent(service, s -> new LinkedHashMap<>());
        for (String provider : listedIn(jar, service)) {
          Path earlier = listedBy.putIfAbsent(provider, jar);
          if (earlier != null && !earlier.equals(jar)) {
            throw new ConfigException("plugin " + jar + " lists " + provider + ", which " + earlier
                + " lists too; remove one of the two jars");
          }
        }
      }
      urls.add(url(jar));
    }
    URLClassLoader loader = new URLClassLoader("portcullis-plugins", urls.toArray(URL[]::new), parent);
    try {
      List<Authenticator> authenticators = instantiate(Authenticator.class, loader, listings.get(Authenticator.class));
      List<AuthorizationHandler> handlers =
          instantiate(AuthorizationHandler.class, loader, listings.get(AuthorizationHandler.class));
      if (authenticators.isEmpty() && handlers.isEmpty()) {
        LOG.warn("no jar in plugins directory {} lists a provider in {}", directory.toAbsolutePath().normalize(),
            SERVICES.stream().map(PluginDirectory::serviceFile).toList());
      }
      return new PluginDirectory(authenticators, handlers, Optional.of(loader));
    } catch (RuntimeException e) {
      closeQuietly(loader);
      throw e;
    }
  }

  /** The plugins' authenticators, in the order of their jars' names and then of their listings. */
  public List<Authenticator> authenticators() {
    return authenticators;
  }

  /** The plugins' authorization handlers, in the order of their jars' names and then of their listings. */
  public List<AuthorizationHandler> authorizationHandlers() {
    return authorizationHandlers;
  }

  @Override
  public void close() {
    loader.ifPresent(PluginDirectory::closeQuietly);
  }

  private static <T> List<T> instantiate(Class<T> service, URLClassLoader loader, Map<String, Path> listedBy) {
    List<T> loaded = new ArrayList<>();
    Iterator<ServiceLoader.Provider<T>> providers = ServiceLoader.load(service, loader).stream().iterator();
    while (true) {
      ServiceLoader.Provider<T> provider;
      try {
        if (!providers.hasNext()) {
          break;
        }
        provider = providers.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        // A listed class that is missing, not of the service's type, or has no public no-argument constructor.
        throw new ConfigException(culprit(service, e, listedBy) + " cannot be loaded: " + describe(service, e));
      }
      String name = provider.type().getName();
      Path jar = listedBy.get(name);
      if (jar == null) {
        continue; // listed on the server's own class path, not by a jar of the plugins directory
      }
      T instance;
      try {
        instance = provider.get();
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        throw new ConfigException("plugin " + jar + ": " + name + " could not be created: " + describe(service, e));
      }
      LOG.info("{} plugin {} loaded from {}", service.getSimpleName(), name, jar.getFileName());
      loaded.add(instance);
    }
    // ServiceLoader skips some listed classes without a word (those of named modules, such as the JDK's).
    listedBy.forEach((name, jar) -> {
      if (loaded.stream().noneMatch(a -> a.getClass().getName().equals(name))) {
        throw new ConfigException("plugin " + jar + ": " + name + " is listed in " + serviceFile(service)
            + " but ServiceLoader did not load it; list only classes of the plugin's own jars");
      }
    });
    // ServiceLoader finds providers in class-path order, which for one URLClassLoader is the jars' order.
    return loaded;
  }

  private static List<Path> jarsIn(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
          .sorted(Comparator.comparing(f -> f.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new ConfigException("plugins directory " + directory.toAbsolutePath().normalize() + " cannot be read: " + e);
    }
  }

  /** The providers of {@code service} that {@code jar} lists; checks on the way that it is a readable jar. */
  private static List<String> listedIn(Path jar, Class<?> service) {
    if (!Files.isRegularFile(jar)) {
      throw new ConfigException("plugin " + jar + " is not a regular file");
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      JarEntry entry = file.getJarEntry(serviceFile(service));
      if (entry == null) {
        return List.of(); // a library of another plugin, perhaps
      }
      List<String> names = new ArrayList<>();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          int comment = line.indexOf('#');
          String name = (comment < 0 ? line : line.substring(0, comment)).strip();
          if (!name.isEmpty()) {
            names.add(name);
          }
        }
      }
      return names;
    } catch (IOException | SecurityException | UncheckedIOException e) {
      throw new ConfigException("plugin " + jar + " cannot be read as a jar: " + e.getMessage());
    }
  }

  /** The jar whose listed class the error is about (ServiceLoader's messages name the class). */
  private static String culprit(Class<?> service, Throwable e, Map<String, Path> listedBy) {
    String message = String.valueOf(e.getMessage());
    return listedBy.entrySet().stream()
        .filter(entry -> message.contains(entry.getKey()))
        .max(Comparator.comparingInt(entry -> entry.getKey().length()))
        .map(entry -> "plugin " + entry.getValue() + ": " + entry.getKey())
        .orElse("a plugin's " + service.getSimpleName());
  }

  /** The error in one line, its root cause first; plugins' messages must not carry secrets (see the SPI). */
  private static String describe(Class<?> service, Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e) {
      // "Provider X could not be instantiated" says nothing the caller does not; the cause does.
      return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    String prefix = service.getName() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new ConfigException("plugin " + jar + " has no URL: " + e.getMessage());
    }
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException e) {
      LOG.warn("closing the plugin class loader failed: {}", e.toString());
    }
  }
}

package dev.portcullis.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  @Test
  void serveWhenPluginsFlagGivenThenConfigNamesTheDirectory() {
    Main.Serve serve = new Main.Serve();
    new CommandLine(serve).parseArgs("--plugins", "/opt/portcullis/plugins", "--port", "0");
    assertThat(serve.options.load(Map.of()).pluginsDir()).hasValue(Path.of("/opt/portcullis/plugins"));
  }

  @Test
  void demoWhenPluginsFlagGivenThenConfigNamesTheDirectory() {
    Main.Demo demo = new Main.Demo();
    new CommandLine(demo).parseArgs("--plugins", "./plugins");
    assertThat(demo.options.load(Map.of()).pluginsDir()).hasValue(Path.of("./plugins"));
  }

  @Test
  void serveHelpWhenPrintedThenListsThePluginsFlag() {
    String usage = new CommandLine(new Main()).getSubcommands().get("serve").getUsageMessage();
    assertThat(usage).contains("--plugins=DIR");
  }
}

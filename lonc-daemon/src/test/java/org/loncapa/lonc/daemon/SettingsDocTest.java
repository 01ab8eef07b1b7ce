package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every setting exactly as the code defines it. */
class SettingsDocTest {
    @Test
    void configurationDocHasTheGeneratedTable() throws IOException {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        assertTrue(text.contains(Main.markdownTable()), "docs/configuration.md is out of date: regenerate its"
                + " table with 'java -jar lonc-daemon/target/lonc-daemon-*-all.jar settings --markdown'");
    }

    @Test
    void theDistributionsSampleSettingsFileListsEverySetting() throws Exception {
        Path sample = Path.of("..", "lonc-dist", "src", "main", "dist", "conf", "lonc.properties");
        assertTrue(Files.readString(sample).equals(Main.sampleSettings()), sample + " is out of date:"
                + " regenerate it with 'lonc settings --sample'");
        // every line is a comment: the sample changes nothing until an operator edits it
        assertTrue(DaemonSettings.defaults().withFile(sample).toString()
                .equals(DaemonSettings.defaults().toString()));
    }
}

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
}

package org.loncapa.lonc.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinRelayTest {
    @TempDir
    Path dir;

    @Test
    void anExplicitPathWinsOverTheEnvironmentAndTheSearch() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared/bench"));
        Files.writeString(shared.resolve("minrelay.c"), "int main(void){return 0;}\n");
        Path given = dir.resolve("elsewhere/minrelay");
        assertEquals(Optional.of(given), MinRelay.locate(given, "/from/env", dir));
        assertEquals(Optional.of(Path.of("/from/env")), MinRelay.locate(null, "/from/env", dir));
        assertEquals(Optional.of(shared.resolve("minrelay.c")), MinRelay.locate(null, " ", dir));
    }

    @Test
    void theSearchLooksBesideTheCheckoutAndGivesUpQuietly() throws IOException {
        Path checkout = Files.createDirectories(dir.resolve("main"));
        assertEquals(Optional.empty(), MinRelay.locate(null, null, checkout));
        Path source = Files.createDirectories(dir.resolve("shared/bench")).resolve("minrelay.c");
        Files.writeString(source, "int main(void){return 0;}\n");
        assertEquals(Optional.of(source), MinRelay.locate(null, null, checkout));
    }

    @Test
    void aFileThatIsNeitherSourceNorExecutableIsRefusedByName() throws IOException {
        Path junk = Files.writeString(dir.resolve("minrelay.txt"), "x");
        IOException e = assertThrows(IOException.class, () -> MinRelay.binary(junk, dir));
        assertTrue(e.getMessage().contains("minrelay.txt"), e.getMessage());
    }
}

package org.loncapa.lonc.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {

    @TempDir
    Path dir;

    @Test
    void inDirectoryUsesLonCapaDefaultNames() {
        TlsFiles f = TlsFiles.inDirectory(dir);
        assertEquals(dir.resolve("loncapaCA.pem"), f.caFile());
        assertEquals(dir.resolve("lonhostcert.pem"), f.certFile());
        assertEquals(dir.resolve("lonhostkey.pem"), f.keyFile());
    }

    @Test
    void missingListsAbsentFilesInOrderAndAllExistFollows() throws Exception {
        TlsFiles f = TlsFiles.inDirectory(dir);
        assertEquals(List.of(f.caFile(), f.certFile(), f.keyFile()), f.missing());
        assertFalse(f.allExist());

        Files.writeString(f.certFile(), "x");
        assertEquals(List.of(f.caFile(), f.keyFile()), f.missing());

        Files.writeString(f.caFile(), "x");
        Files.writeString(f.keyFile(), "x");
        assertEquals(List.of(), f.missing());
        assertTrue(f.allExist());
    }

    @Test
    void aDirectoryIsNotAnExistingFile() throws Exception {
        TlsFiles f = TlsFiles.inDirectory(dir);
        Files.createDirectory(f.caFile());
        assertTrue(f.missing().contains(f.caFile()));
    }

    @Test
    void nullPathsAreRejected() {
        assertThrows(NullPointerException.class, () -> new TlsFiles(null, dir, dir));
        assertThrows(NullPointerException.class, () -> new TlsFiles(dir, null, dir));
        assertThrows(NullPointerException.class, () -> new TlsFiles(dir, dir, null));
    }
}

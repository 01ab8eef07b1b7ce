package org.loncapa.lonc.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    private static final Path CONF = Path.of("/etc/httpd/conf/loncapa.conf");

    @Test
    void messageHasFileAndLine() {
        ConfigException e = new ConfigException(CONF, 12, "PerlSetVar needs a name and a value");
        assertEquals("/etc/httpd/conf/loncapa.conf:12: PerlSetVar needs a name and a value",
                e.getMessage());
        assertEquals(Optional.of(CONF), e.file());
        assertEquals(12, e.line());
        assertEquals("PerlSetVar needs a name and a value", e.detail());
    }

    @Test
    void lineZeroLeavesTheLineOut() {
        assertEquals("/etc/httpd/conf/loncapa.conf: oops",
                new ConfigException(CONF, 0, "oops").getMessage());
    }

    @Test
    void inCodeConfigHasNoFile() {
        ConfigException e = new ConfigException(null, 0, "oops");
        assertEquals("oops", e.getMessage());
        assertEquals(Optional.empty(), e.file());
        assertEquals("line 3: oops", new ConfigException(null, 3, "oops").getMessage());
    }

    @Test
    void keepsTheCause() {
        IOException cause = new IOException("x");
        assertSame(cause, new ConfigException(CONF, 1, "d", cause).getCause());
    }

    @Test
    void cannotReadNamesTheFileOnce() {
        ConfigException e = ConfigException.cannotRead(CONF, new NoSuchFileException(CONF.toString()));
        assertEquals("cannot read /etc/httpd/conf/loncapa.conf: No such file", e.getMessage());
        assertEquals(Optional.of(CONF), e.file());
        assertEquals(0, e.line());
        assertTrue(e.getCause() instanceof NoSuchFileException);
    }

    @Test
    void rejectsNegativeLine() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigException(CONF, -1, "d"));
    }
}

package org.loncapa.lonc.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File errors that need no real certificates. Loading real PEM files is tested in lonc-testkit,
 * where {@code TestPki} makes them.
 */
class TlsContextsFileErrorsTest {

    @TempDir
    Path dir;

    private static TlsConfigException load(TlsFiles files) {
        return assertThrows(TlsConfigException.class, () -> TlsContexts.forClient(files));
    }

    @Test
    void missingCaFileIsNamed() {
        TlsFiles files = TlsFiles.inDirectory(dir);
        TlsConfigException e = load(files);
        assertEquals(files.caFile(), e.file());
        assertTrue(e.getMessage().startsWith(files.caFile().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void garbageCaFileHasNoCertificate() throws Exception {
        TlsFiles files = TlsFiles.inDirectory(dir);
        Files.write(files.caFile(), new byte[] {0, 1, 2, (byte) 0xff, 'h', 'e', 'l', 'l', 'o', '\n'});
        TlsConfigException e = load(files);
        assertEquals(files.caFile(), e.file());
        assertTrue(e.getMessage().contains("contains no PEM certificate"), e.getMessage());
    }

    @Test
    void brokenBase64InsidePemBlockIsReported() throws Exception {
        TlsFiles files = TlsFiles.inDirectory(dir);
        Files.writeString(files.caFile(), "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n");
        TlsConfigException e = load(files);
        assertEquals(files.caFile(), e.file());
        assertTrue(e.getMessage().contains("CA certificate file is not valid PEM"), e.getMessage());
    }

    @Test
    void unreadableFileIsReported() throws Exception {
        // A directory where the file should be: unreadable as a file even for root.
        TlsFiles files = TlsFiles.inDirectory(dir);
        Files.createDirectory(files.caFile());
        TlsConfigException e = load(files);
        assertEquals(files.caFile(), e.file());
        assertTrue(e.getMessage().contains("cannot be read: it is a directory"), e.getMessage());
    }

    @Test
    void protocolsAndClientAuthAreSetInOnePlace() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);

        SSLEngine c = TlsContexts.newClientEngine(ctx, "lond.example.org", 5663);
        assertTrue(c.getUseClientMode());
        assertEquals(TlsContexts.PROTOCOLS, Arrays.asList(c.getEnabledProtocols()));
        assertEquals(null, c.getSSLParameters().getEndpointIdentificationAlgorithm());
        assertFalse(TlsContexts.CHECK_PEER_HOSTNAME_BY_DEFAULT);

        SSLEngine checked = TlsContexts.newClientEngine(ctx, "lond.example.org", 5663, true);
        assertEquals("HTTPS", checked.getSSLParameters().getEndpointIdentificationAlgorithm());

        SSLEngine s = TlsContexts.newServerEngine(ctx);
        assertFalse(s.getUseClientMode());
        assertTrue(s.getNeedClientAuth());
        assertEquals(TlsContexts.PROTOCOLS, Arrays.asList(s.getEnabledProtocols()));
    }
}

package org.loncapa.lonc.core.internal.protocol;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where local mode puts its one-time key file. The production implementation is
 * {@link RealLocalKeyFiles}; tests may use a fake.
 */
public interface LocalKeyFiles {
    /**
     * Creates a new file readable only by the daemon's user holding {@code hexKey} and returns its
     * absolute path.
     */
    Path write(String hexKey) throws IOException;

    /** Removes the file if it still exists (lond normally removes it first); never throws. */
    void delete(Path file);
}

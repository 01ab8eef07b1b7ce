package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.nio.file.Path;

/** A real store whose writes fail as on a full disk. */
final class DiskFullStoreIo extends ForwardingStoreIo {
    @Override
    public void writeNewAndSync(Path file, byte[] content) throws IOException {
        throw new IOException("No space left on device");
    }
}

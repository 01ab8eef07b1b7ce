package org.loncapa.lonc.testkit;

import java.net.InetSocketAddress;
import java.util.List;
import org.loncapa.lonc.core.internal.protocol.KeyMode;

/**
 * A snapshot of what {@link FakeLond} knows about one accepted connection.
 *
 * @param index 0-based index in accept order (as in {@link RecordedRequest#connectionIndex()})
 * @param remote the client's address
 * @param fault the connection fault in effect when the connection was accepted
 * @param hailingLine the client's first line ({@code init...}), or null if none arrived (yet)
 * @param keyMode the key mode the handshake settled on (after any fallback), or null until the init
 *     exchange has succeeded
 * @param handshakeCompleted true once the init exchange succeeded: {@code ok} to the challenge echo,
 *     {@code ok:local}, or the ssl key line sent
 * @param open true while the connection is open
 * @param currentLonId the lonID the connection serves now
 * @param controlLines every line received that was not a request, in order: the hailing line, the
 *     challenge echo, and the commands {@code version}, {@code sethost:<id>} and {@code ekey}; empty
 *     when recording is off
 * @param requestCount how many requests this connection sent
 */
public record ConnectionInfo(int index, InetSocketAddress remote, Fault fault, String hailingLine,
        KeyMode keyMode, boolean handshakeCompleted, boolean open, String currentLonId,
        List<String> controlLines, int requestCount) {

    public ConnectionInfo {
        controlLines = List.copyOf(controlLines);
    }
}

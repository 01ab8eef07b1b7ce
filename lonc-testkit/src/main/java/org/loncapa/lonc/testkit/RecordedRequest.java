package org.loncapa.lonc.testkit;

import org.loncapa.lonc.core.internal.protocol.KeyMode;

/**
 * One request that {@link FakeLond} received after the handshake, recorded before it is answered.
 * The handshake lines and the protocol commands {@code version}, {@code sethost:<id>} and {@code ekey}
 * are not requests; see {@link ConnectionInfo#controlLines()}.
 *
 * @param connectionIndex 0-based index of the connection in the order FakeLond accepted them (over
 *     the whole life of the FakeLond, across restarts)
 * @param exchangeIndex 0-based index of this request among the requests of its connection
 * @param rawLine the line as it came over the wire, without its newline
 * @param command the command with any inline {@code sethost:<id>:} removed and any {@code enc:} frame
 *     decrypted; for a frame that could not be decrypted, the {@code enc:...} text itself
 * @param lonId the lonID the connection serves after the (inline) sethost, i.e. the one the command
 *     is meant for
 * @param encrypted true if the command came as an {@code enc:} frame
 * @param mode the key mode of the connection
 * @param decryptionError null, or for an {@code enc:} frame that did not decrypt with the
 *     connection's session key: why, and which key FakeLond expected (how it was made, e.g. from
 *     which lonIDs; never the key). Such a request is answered {@code unknown_cmd}, as lond would.
 */
public record RecordedRequest(int connectionIndex, int exchangeIndex, String rawLine, String command,
        String lonId, boolean encrypted, KeyMode mode, String decryptionError) {

    /** A request that decrypted (or was not encrypted). */
    public RecordedRequest(int connectionIndex, int exchangeIndex, String rawLine, String command,
            String lonId, boolean encrypted, KeyMode mode) {
        this(connectionIndex, exchangeIndex, rawLine, command, lonId, encrypted, mode, null);
    }

    /** True if this was an {@code enc:} frame that FakeLond could not decrypt; see {@link #decryptionError()}. */
    public boolean decryptionFailed() {
        return decryptionError != null;
    }

    /** The part of {@link #command()} before the first {@code ':'} (the lond command name). */
    public String commandName() {
        int colon = command.indexOf(':');
        return colon < 0 ? command : command.substring(0, colon);
    }
}

package org.loncapa.lonc.core.protocol;

import org.bouncycastle.crypto.engines.IDEAEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * IDEA in ECB mode, one 8-byte block at a time, as Crypt::IDEA does on the Perl side (standard
 * big-endian IDEA; Bouncy Castle's {@link IDEAEngine}). One instance belongs to one lond connection
 * and is used only by the thread that owns that connection; it is not thread-safe.
 */
public final class IdeaCipher {
    /** IDEA block size in bytes. */
    public static final int BLOCK = 8;

    private final IDEAEngine encryptor = new IDEAEngine();
    private final IDEAEngine decryptor = new IDEAEngine();

    /** @param key the 16-byte session key; it is copied by the engine and not kept here */
    public IdeaCipher(byte[] key) {
        if (key.length != SessionKeys.KEY_BYTES) {
            throw new IllegalArgumentException("IDEA key must be 16 bytes, got " + key.length);
        }
        KeyParameter p = new KeyParameter(key);
        encryptor.init(true, p);
        decryptor.init(false, p);
    }

    /** Encrypts one block from {@code in[inOff..inOff+8)} into {@code out[outOff..outOff+8)}. */
    public void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        encryptor.processBlock(in, inOff, out, outOff);
    }

    /** Decrypts one block from {@code in[inOff..inOff+8)} into {@code out[outOff..outOff+8)}. */
    public void decryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        decryptor.processBlock(in, inOff, out, outOff);
    }

    @Override
    public String toString() {
        return "IdeaCipher[key hidden]";
    }
}

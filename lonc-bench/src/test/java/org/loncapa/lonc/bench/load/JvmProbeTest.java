package org.loncapa.lonc.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JvmProbeTest {
    @Test
    void sumsTheSpacesOfSerialGc() {
        String info = "12345:\n"
                + " def new generation   total 4928K, used 1000K [0x00000000fc000000, 0x00000000fc550000)\n"
                + "  eden space 4416K,  22% used [0x00000000fc000000, 0x00000000fc0fa3a8)\n"
                + " tenured generation   total 10944K, used 5000K [0x00000000fd550000, 0x00000000fe000000)\n"
                + " Metaspace       used 20000K, committed 20480K, reserved 1067008K\n";
        assertEquals(6000L * 1024, JvmProbe.parseUsedBytes(info));
    }

    @Test
    void readsG1() {
        String info = " garbage-first heap   total 65536K, used 12345K [0x00000000fc000000, 0x0000000100000000)\n"
                + "  region size 1024K, 3 young (3072K), 0 survivors (0K)\n"
                + " Metaspace       used 20000K, committed 20480K, reserved 1067008K\n";
        assertEquals(12345L * 1024, JvmProbe.parseUsedBytes(info));
    }

    @Test
    void nothingToParse() {
        assertEquals(-1, JvmProbe.parseUsedBytes("12345:\ncommand not found"));
    }
}

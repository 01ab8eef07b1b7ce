package org.loncapa.lonc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadToolArgsTest {
    private static LoadTool parse(String... args) {
        LoadTool t = new LoadTool();
        new CommandLine(t).parseArgs(args);
        return t;
    }

    @Test
    void defaultsAreTheTargetShape() {
        LoadTool t = parse();
        assertEquals(64, t.clients);
        assertEquals(10, t.connections);
        assertEquals(10, t.directClientCount(), "direct baseline on as many connections as lonc");
        assertEquals(64, t.naiveClientCount());
        assertEquals(List.of("engine", "direct", "naive", "daemon"), t.paths);
        assertEquals("both", t.style);
    }

    @Test
    void directClientsFollowConnectionsUnlessGiven() {
        assertEquals(4, parse("--connections", "4").directClientCount());
        assertEquals(1, parse("--connections", "4", "--direct-clients", "1").directClientCount());
        assertEquals(8, parse("--clients", "8").naiveClientCount());
    }

    @Test
    void pathsAreCommaSeparated() {
        assertEquals(List.of("direct", "relay", "daemon"), parse("--paths", "direct,relay,daemon").paths);
    }

    @Test
    void unknownOptionIsRefused() {
        assertThrows(CommandLine.UnmatchedArgumentException.class, () -> parse("--client", "3"));
    }
}

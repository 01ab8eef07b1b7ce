package org.loncapa.lonc.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostTableTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path p = dir.resolve("hosts.tab");
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private HostTable parse(String content) throws Exception {
        return HostTable.parse(write(content));
    }

    /** Parses {@code content} expecting failure; returns the message. */
    private String failure(String content) throws IOException {
        Path p = write(content);
        return assertThrows(ConfigException.class, () -> HostTable.parse(p)).getMessage();
    }

    private String at(int line) {
        return dir.resolve("hosts.tab") + ":" + line + ": ";
    }

    private static HostEntry entry(String id, String host) {
        return HostEntry.of(id, "msu", "library", host, "http");
    }

    @Test
    void layout1x() throws Exception {
        HostTable t = parse("msul1:msu:library:zaphod.lite.msu.edu:35.8.63.51\n"
                + "msua1:msu:access:agrajag.lite.msu.edu:35.8.63.68:5:300:1\n");
        assertEquals(2, t.size());
        assertEquals(new HostEntry("msul1", "msu", "library", "zaphod.lite.msu.edu",
                Optional.of("35.8.63.51"), "http", Optional.empty(), 1), t.byLonId("msul1").get());
        assertEquals(new HostEntry("msua1", "msu", "access", "agrajag.lite.msu.edu",
                Optional.of("35.8.63.68"), "http", Optional.empty(), 2), t.byLonId("msua1").get());
    }

    @Test
    void layout1xDropsTrailingJunkAfterTheIp() throws Exception {
        Path p = dir.resolve("hosts.tab");
        Files.write(p, "a:d:library:h1:10.0.0.1 \r\nb:d:library:h2:10.0.0.2x\r\nc:d:access:h3:10.0.0.3;\n"
                .getBytes(StandardCharsets.US_ASCII));
        HostTable t = HostTable.parse(p);
        assertEquals(Optional.of("10.0.0.1"), t.byLonId("a").get().ip());
        assertEquals(Optional.of("10.0.0.2"), t.byLonId("b").get().ip());
        assertEquals(Optional.of("10.0.0.3"), t.byLonId("c").get().ip());
        assertEquals(3, t.byLonId("c").get().line());
    }

    @Test
    void layout2x() throws Exception {
        HostTable t = parse(String.join("\n",
                "msul1:msu:library:zaphod.lite.msu.edu",
                "msul2:msu:library:s10.lite.msu.edu:https",
                "msul3:msu:access:s11.lite.msu.edu:http:msu.edu",
                "msul4:msu:access:s12.lite.msu.edu::msu.edu",
                "msul5:msu:access:s13.lite.msu.edu:HTTPS:",
                "msul6:msu:access:s14.lite.msu.edu:",
                ""));
        assertEquals(new HostEntry("msul1", "msu", "library", "zaphod.lite.msu.edu",
                Optional.empty(), "http", Optional.empty(), 1), t.byLonId("msul1").get());
        assertEquals(new HostEntry("msul2", "msu", "library", "s10.lite.msu.edu",
                Optional.empty(), "https", Optional.empty(), 2), t.byLonId("msul2").get());
        assertEquals(new HostEntry("msul3", "msu", "access", "s11.lite.msu.edu",
                Optional.empty(), "http", Optional.of("msu.edu"), 3), t.byLonId("msul3").get());
        assertEquals("http", t.byLonId("msul4").get().protocol());
        assertEquals(Optional.of("msu.edu"), t.byLonId("msul4").get().intdom());
        assertEquals("https", t.byLonId("msul5").get().protocol());
        assertEquals(Optional.empty(), t.byLonId("msul5").get().intdom());
        assertEquals("http", t.byLonId("msul6").get().protocol());
    }

    @Test
    void mixedLayoutsCommentsBlankLinesCrlfAndWhitespace() throws Exception {
        HostTable t = parse("# cluster table\r\n"
                + "\r\n"
                + "   # indented comment\r\n"
                + " msul1 : msu : library : zaphod.lite.msu.edu : 35.8.63.51 \r\n"
                + "\t\r\n"
                + "msul2:msu:library:s10.lite.msu.edu:https:msu.edu\r\n"
                + "uwl1:uw:access:lon.uwaterloo.ca\r\n");
        assertEquals(List.of("msul1", "msul2", "uwl1"),
                t.entries().stream().map(HostEntry::lonId).toList());
        assertEquals(List.of(4, 6, 7), t.entries().stream().map(HostEntry::line).toList());
        HostEntry first = t.entries().get(0);
        assertEquals("msu", first.domain());
        assertEquals("zaphod.lite.msu.edu", first.hostname());
        assertEquals(Optional.of("35.8.63.51"), first.ip());
        assertEquals(Optional.of("msu.edu"), t.byLonId("msul2").get().intdom());
        assertEquals("lon.uwaterloo.ca", t.byLonId("uwl1").get().hostname());
    }

    @Test
    void extraFieldsAreIgnored() throws Exception {
        HostTable t = parse("a:d:library:h1:10.0.0.1:5:300:1:more\nb:d:library:h2:https:x.edu:future\n");
        assertEquals(Optional.of("10.0.0.1"), t.byLonId("a").get().ip());
        assertEquals(Optional.of("x.edu"), t.byLonId("b").get().intdom());
    }

    @Test
    void rolesOtherThanLibraryAndAccessAreAccepted() throws Exception {
        assertEquals("test", parse("a:d:test:h1\n").byLonId("a").get().role());
    }

    @Test
    void emptyFileAndCommentsOnly() throws Exception {
        assertEquals(0, parse("").size());
        HostTable t = parse("# nothing\n\n");
        assertEquals(0, t.size());
        assertEquals(Set.of(), t.hostnames());
        assertEquals(List.of(), t.entries());
    }

    @Test
    void lonIdsAreCaseSensitive() throws Exception {
        HostTable t = parse("msul1:msu:library:h1\nMSUL1:msu:library:h2\n");
        assertEquals("h1", t.byLonId("msul1").get().hostname());
        assertEquals("h2", t.byLonId("MSUL1").get().hostname());
        assertEquals(Optional.empty(), t.byLonId("Msul1"));
    }

    @Test
    void severalLonIdsShareOneHostname() throws Exception {
        HostTable t = parse(String.join("\n",
                "msul1:msu:library:zaphod.lite.msu.edu",
                "gcil1:gci:library:Zaphod.Lite.MSU.edu",
                "uwl1:uw:library:lon.uwaterloo.ca",
                "ostl1:ost:access:ZAPHOD.lite.msu.edu:https",
                ""));
        assertEquals(List.of("msul1", "gcil1", "ostl1"), t.lonIdsOf("zaphod.lite.msu.edu"));
        assertEquals(List.of("msul1", "gcil1", "ostl1"), t.lonIdsOf("ZAPHOD.LITE.MSU.EDU"));
        assertEquals(List.of("uwl1"), t.lonIdsOf("lon.uwaterloo.ca"));
        assertEquals(List.of(), t.lonIdsOf("unknown.example.org"));
        assertEquals(List.of("zaphod.lite.msu.edu", "lon.uwaterloo.ca"), List.copyOf(t.hostnames()));
        assertEquals(4, t.size());
    }

    @Test
    void resultsAreUnmodifiable() throws Exception {
        HostTable t = parse("a:d:library:h1\n");
        assertThrows(UnsupportedOperationException.class, () -> t.entries().clear());
        assertThrows(UnsupportedOperationException.class, () -> t.hostnames().clear());
        assertThrows(UnsupportedOperationException.class, () -> t.lonIdsOf("h1").clear());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("hosts.tab");
        ConfigException e = assertThrows(ConfigException.class, () -> HostTable.parse(p));
        assertEquals("cannot read " + p + ": No such file", e.getMessage());
    }

    @Test
    void tooFewFields() throws Exception {
        assertEquals(at(2) + "expected id:domain:role:hostname[:protocol[:intdom]] (2.x)"
                + " or id:domain:role:name:ip (1.x), got 3 fields",
                failure("# x\nmsul1:msu:library\n"));
        assertEquals(at(1) + "expected id:domain:role:hostname[:protocol[:intdom]] (2.x)"
                + " or id:domain:role:name:ip (1.x), got 1 field", failure("msul1\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "':msu:library:h1'                | empty lonID",
        "'a::library:h1'                  | empty domain",
        "'a:msu: :h1'                     | empty role",
        "'a:msu:library:'                 | empty hostname",
        "'a:msu:library:  :https'         | empty hostname",
        "'ms.ul1:msu:library:h1'          | lonID 'ms.ul1' may only contain letters, digits, '_' and '-'",
        "'ms ul1:msu:library:h1'          | lonID 'ms ul1' may only contain letters, digits, '_' and '-'",
        "'a:m su:library:h1'              | domain 'm su' contains whitespace",
        "'a:msu:lib rary:h1'              | role 'lib rary' contains whitespace",
        "'a:msu:library:../../etc'        | hostname '../../etc' is not a DNS name",
        "'a:msu:library:h 1'              | hostname 'h 1' is not a DNS name",
        "'a:msu:library:-h'               | hostname '-h' is not a DNS name",
        "'a:msu:library:h1:https:x y'     | intdom 'x y' contains whitespace",
        "'a:msu:library:h1:ftp'           | field 5 'ftp' is neither an IPv4 address (1.x layout) nor http or https (2.x layout)",
        "'a:msu:library:h1:35.8.63'       | field 5 '35.8.63' is neither an IPv4 address (1.x layout) nor http or https (2.x layout)",
        "'a:msu:library:h1:35.8.63.256'   | field 5 '35.8.63.256' is neither an IPv4 address (1.x layout) nor http or https (2.x layout)",
        "'a:msu:library:h1:1.2.3.4.'      | field 5 '1.2.3.4.' is neither an IPv4 address (1.x layout) nor http or https (2.x layout)",
        "'a:msu:library:h1:x1.2.3.4'      | field 5 'x1.2.3.4' is neither an IPv4 address (1.x layout) nor http or https (2.x layout)",
    })
    void badLineNamesFileAndLine(String line, String detail) throws Exception {
        Path p = write("# header\r\nok:msu:library:h0\r\n\r\n" + line + "\r\nlater:msu:library:h9\r\n");
        ConfigException e = assertThrows(ConfigException.class, () -> HostTable.parse(p));
        assertEquals(at(4) + detail, e.getMessage());
        assertEquals(Optional.of(p), e.file());
        assertEquals(4, e.line());
        assertEquals(detail, e.detail());
    }

    @Test
    void identicalRepeatedLineIsAcceptedWithAWarning() throws Exception {
        HostTable t = parse("# t\nmsul1:msu:library:h1:10.0.0.1\nmsul2:msu:library:h2\n"
                + "msul1 : msu : library : H1 : 10.0.0.1\n");
        assertEquals(List.of("msul1", "msul2"), t.entries().stream().map(HostEntry::lonId).toList());
        assertEquals(2, t.byLonId("msul1").get().line(), "the first of identical lines is kept");
        assertEquals(List.of(at(4) + "lonID msul1 repeats line 2; the repeated line is ignored"),
                t.warnings());
    }

    @Test
    void conflictingDefinitionLastWinsAsInPerlAndNamesBothLines() throws Exception {
        HostTable t = parse("# t\nmsul1:msu:library:h1:10.0.0.1\nmsul2:msu:library:h2\n\n"
                + "msul1:msu:access:h3:https\n");
        HostEntry e = t.byLonId("msul1").get();
        assertEquals("h3", e.hostname());
        assertEquals("access", e.role());
        assertEquals(5, e.line());
        assertEquals(2, t.size());
        assertEquals(List.of(), t.lonIdsOf("h1"), "the replaced line is gone");
        assertEquals(List.of("msul1"), t.lonIdsOf("h3"));
        assertEquals(List.of(at(5) + "lonID msul1 redefines line 2; line 5 is used, as Perl uses the"
                + " last definition"), t.warnings());
    }

    @Test
    void cleanTableHasNoWarnings() throws Exception {
        assertEquals(List.of(), parse("a:d:library:h1\nb:d:library:h2\n").warnings());
    }

    @Test
    void sameLonIdInOtherCaseIsNoDuplicate() throws Exception {
        assertEquals(2, parse("a:d:library:h1\nA:d:library:h1\n").size());
    }

    @Test
    void ofKeepsOrderAndRejectsDuplicates() {
        HostTable t = HostTable.of(List.of(entry("b", "h1"), entry("a", "H1")));
        assertEquals(List.of("b", "a"), t.entries().stream().map(HostEntry::lonId).toList());
        assertEquals(List.of("b", "a"), t.lonIdsOf("h1"));
        assertEquals(Set.of("h1"), t.hostnames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostTable.of(List.of(entry("a", "h1"), entry("a", "h2"))));
        assertEquals("duplicate lonID a", e.getMessage());
    }

    @Test
    void hostEntryValidatesInCode() {
        assertThrows(IllegalArgumentException.class, () -> entry("a b", "h"));
        assertThrows(IllegalArgumentException.class, () -> entry("a", "a/b"));
        assertThrows(IllegalArgumentException.class,
                () -> HostEntry.of("a", "d", "library", "h", "ftp"));
        assertThrows(IllegalArgumentException.class, () -> new HostEntry("a", "d", "r", "h",
                Optional.of("300.1.1.1"), "http", Optional.empty(), 0));
        assertThrows(IllegalArgumentException.class, () -> new HostEntry("a", "d", "r", "h",
                Optional.empty(), "http", Optional.of(""), 0));
        assertThrows(IllegalArgumentException.class, () -> new HostEntry("a", "d", "r", "h",
                Optional.empty(), "http", Optional.empty(), -1));
        assertThrows(NullPointerException.class, () -> new HostEntry("a", "d", "r", "h",
                null, "http", Optional.empty(), 0));
    }

    @Test
    void diffFindsAddedRemovedAndChanged() throws Exception {
        HostTable old = parse(String.join("\n",
                "same:msu:library:s1.msu.edu:https",
                "gone:msu:library:s2.msu.edu",
                "newhost:msu:library:s3.msu.edu",
                "newrole:msu:library:s4.msu.edu",
                "newproto:msu:library:s5.msu.edu",
                "newip:msu:library:s6.msu.edu:10.0.0.1",
                "moved:msu:library:s7.msu.edu",
                "recased:msu:library:s8.msu.edu",
                "newdom:msu:library:s9.msu.edu",
                "newintdom:msu:library:s0.msu.edu:http:a.edu",
                ""));
        Path newer = dir.resolve("hosts.tab.new");
        Files.writeString(newer, String.join("\n",
                "fresh:msu:library:s1.msu.edu:https",
                "moved:msu:library:s7.msu.edu",
                "same:msu:library:s1.msu.edu:https",
                "newhost:msu:library:other.msu.edu",
                "newrole:msu:access:s4.msu.edu",
                "newproto:msu:library:s5.msu.edu:https",
                "newip:msu:library:s6.msu.edu:10.0.0.2",
                "recased:msu:library:S8.MSU.edu",
                "newdom:gci:library:s9.msu.edu",
                "newintdom:msu:library:s0.msu.edu:http:b.edu",
                "fresh2:msu:library:s1.msu.edu:https",
                ""));
        HostTable.Diff d = old.diff(HostTable.parse(newer));
        assertEquals(List.of("fresh", "fresh2"), List.copyOf(d.added()));
        assertEquals(List.of("gone"), List.copyOf(d.removed()));
        assertEquals(List.of("newhost", "newrole", "newproto", "newip", "newdom", "newintdom"),
                List.copyOf(d.changed()));
        assertFalse(d.isEmpty());

        HostTable.Diff back = HostTable.parse(newer).diff(old);
        assertEquals(Set.of("gone"), back.added());
        assertEquals(Set.of("fresh", "fresh2"), back.removed());
        assertEquals(d.changed(), Set.copyOf(back.changed()));
    }

    @Test
    void diffOfEqualTablesIsEmpty() throws Exception {
        HostTable t = parse("a:d:library:h1\nb:d:library:h2:10.0.0.1\n");
        HostTable.Diff d = t.diff(parse("\n# reordered\nb:d:library:h2:10.0.0.1\na:d:library:h1\n"));
        assertTrue(d.isEmpty());
        assertEquals(Set.of(), d.added());
        assertTrue(t.diff(t).isEmpty());
        assertTrue(HostTable.of(List.of()).diff(HostTable.of(List.of())).isEmpty());
    }

    @Test
    void diffFromEmptyTableAddsEverything() throws Exception {
        HostTable t = parse("a:d:library:h1\nb:d:library:h2\n");
        HostTable.Diff d = HostTable.of(List.of()).diff(t);
        assertEquals(List.of("a", "b"), List.copyOf(d.added()));
        assertEquals(List.of("a", "b"), List.copyOf(t.diff(HostTable.of(List.of())).removed()));
    }

    @Test
    void diffCopiesItsSets() {
        java.util.Set<String> s = new java.util.LinkedHashSet<>(List.of("a"));
        HostTable.Diff d = new HostTable.Diff(s, Set.of(), Set.of());
        s.add("b");
        assertEquals(Set.of("a"), d.added());
        assertThrows(UnsupportedOperationException.class, () -> d.added().add("c"));
    }
}

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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PerlVarsTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private ConfigException parseFails(String content) throws IOException {
        Path p = write("loncapa.conf", content);
        return assertThrows(ConfigException.class, () -> PerlVars.parse(p));
    }

    @Test
    void readsTypicalLoncapaConf() throws Exception {
        Path p = write("loncapa.conf", String.join("\n",
                "# LON-CAPA configuration",
                "",
                "<IfModule mod_perl.c>",
                "  PerlSetVar     lonHostID      msua3",
                "\tPerlSetVar\tlonSockDir\t/home/httpd/sockets",
                "</IfModule>",
                "PerlModule Apache::lonnet",
                "DocumentRoot /home/httpd/html",
                "PerlSetVar     londPort       5663",
                "   # PerlSetVar commentedOut 1",
                "#PerlSetVar alsoCommented 1",
                ""));
        PerlVars v = PerlVars.parse(p);
        assertEquals(Map.of("lonHostID", "msua3", "lonSockDir", "/home/httpd/sockets",
                "londPort", "5663"), v.asMap());
        assertEquals(List.of(p), v.files());
    }

    @Test
    void crlfAndByteOrderMark() throws Exception {
        Path p = dir.resolve("loncapa.conf");
        Files.write(p, ("\uFEFFPerlSetVar a 1\r\n# c\r\n\r\nPerlSetVar b two\r\n")
                .getBytes(StandardCharsets.UTF_8));
        PerlVars v = PerlVars.parse(p);
        assertEquals(Map.of("a", "1", "b", "two"), v.asMap());
    }

    @Test
    void lastLineWithoutNewline() throws Exception {
        assertEquals(Optional.of("x"), PerlVars.parse(write("c", "PerlSetVar a x")).get("a"));
    }

    @Test
    void keywordIsCaseInsensitiveButNamesAreNot() throws Exception {
        PerlVars v = PerlVars.parse(write("c", "perlsetvar a 1\nPERLSETVAR A 2\n"));
        assertEquals(Optional.of("1"), v.get("a"));
        assertEquals(Optional.of("2"), v.get("A"));
    }

    @Test
    void otherDirectivesThatMerelyMentionTheKeywordAreIgnored() throws Exception {
        PerlVars v = PerlVars.parse(write("c", "PerlSetVarX a 1\nPerlAddVar b 2\nHeader PerlSetVar c\n"));
        assertEquals(Map.of(), v.asMap());
    }

    @Test
    void quotedValuesMayContainSpaces() throws Exception {
        PerlVars v = PerlVars.parse(write("c", String.join("\n",
                "PerlSetVar a \"two words\"",
                "PerlSetVar b \"\"",
                "PerlSetVar c \"with # hash\" # and a comment",
                "PerlSetVar d 'single'",
                "PerlSetVar e \"x\"\t")));
        assertEquals(Optional.of("two words"), v.get("a"));
        assertEquals(Optional.of(""), v.get("b"));
        assertEquals(Optional.of("with # hash"), v.get("c"));
        assertEquals(Optional.of("'single'"), v.get("d"));
        assertEquals(Optional.of("x"), v.get("e"));
    }

    @Test
    void trailingCommentNeedsWhitespaceBeforeIt() throws Exception {
        PerlVars v = PerlVars.parse(write("c", "PerlSetVar a 5663 # lond port\n"
                + "PerlSetVar b a#b\nPerlSetVar c 1\t#tab\n"));
        assertEquals(Optional.of("5663"), v.get("a"));
        assertEquals(Optional.of("a#b"), v.get("b"));
        assertEquals(Optional.of("1"), v.get("c"));
    }

    @Test
    void laterSettingInTheSameFileWins() throws Exception {
        assertEquals(Optional.of("2"), PerlVars.parse(write("c", "PerlSetVar a 1\nPerlSetVar a 2\n")).get("a"));
    }

    @Test
    void laterFilesOverrideEarlierOnes() throws Exception {
        Path main = write("loncapa.conf", "PerlSetVar lonHostID one\nPerlSetVar londPort 5663\n");
        Path apache = write("loncapa_apache.conf", "PerlSetVar lonHostID two\nPerlSetVar extra x\n");
        PerlVars v = PerlVars.parse(main, apache);
        assertEquals(Optional.of("two"), v.get("lonHostID"));
        assertEquals(Optional.of("5663"), v.get("londPort"));
        assertEquals(Optional.of("x"), v.get("extra"));
        assertEquals(List.of(main, apache), v.files());

        assertEquals(Optional.of("one"), PerlVars.parse(apache, main).get("lonHostID"));
    }

    @Test
    void overriddenValueIsReportedWhereItWasLastSet() throws Exception {
        Path main = write("loncapa.conf", "PerlSetVar londPort 5663\n");
        Path apache = write("loncapa_apache.conf", "\n\nPerlSetVar londPort lots\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> PerlVars.parse(main, apache).integer("londPort", 1));
        assertEquals(apache + ":3: PerlSetVar londPort is not an integer: 'lots'", e.getMessage());
    }

    @Test
    void missingValueNamesFileAndLine() throws Exception {
        ConfigException e = parseFails("# header\nPerlSetVar lonHostID\n");
        assertEquals(dir.resolve("loncapa.conf") + ":2: PerlSetVar needs a name and a value",
                e.getMessage());
        assertEquals(Optional.of(dir.resolve("loncapa.conf")), e.file());
        assertEquals(2, e.line());
    }

    @Test
    void missingNameAndValue() throws Exception {
        ConfigException e = parseFails("PerlSetVar   \r\n");
        assertEquals(dir.resolve("loncapa.conf") + ":1: PerlSetVar needs a name and a value",
                e.getMessage());
    }

    @Test
    void commentInPlaceOfTheValueIsAMissingValue() throws Exception {
        ConfigException e = parseFails("\n\n\nPerlSetVar lonHostID # to do\n");
        assertEquals(dir.resolve("loncapa.conf") + ":4: PerlSetVar needs a name and a value",
                e.getMessage());
        e = parseFails("PerlSetVar #lonHostID x\n");
        assertEquals(dir.resolve("loncapa.conf") + ":1: PerlSetVar needs a name and a value",
                e.getMessage());
    }

    @Test
    void unterminatedQuote() throws Exception {
        ConfigException e = parseFails("PerlSetVar a 1\nPerlSetVar b \"open\n");
        assertEquals(dir.resolve("loncapa.conf")
                + ":2: PerlSetVar b: quoted value has no closing quote", e.getMessage());
    }

    @Test
    void textGluedToClosingQuote() throws Exception {
        ConfigException e = parseFails("PerlSetVar b \"x\"y\n");
        assertEquals(dir.resolve("loncapa.conf")
                + ":1: PerlSetVar b: text right after the closing quote", e.getMessage());
    }

    @Test
    void extraWordsAfterTheValueAreAnError() throws Exception {
        ConfigException e = parseFails("PerlSetVar lonSockDir /home/httpd/my sockets\n");
        assertEquals(dir.resolve("loncapa.conf") + ":1: PerlSetVar lonSockDir: unexpected text"
                + " after the value: 'sockets' (quote a value that contains spaces)", e.getMessage());
        e = parseFails("PerlSetVar a \"x\" y # c\n");
        assertEquals(dir.resolve("loncapa.conf") + ":1: PerlSetVar a: unexpected text"
                + " after the value: 'y # c' (quote a value that contains spaces)", e.getMessage());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> PerlVars.parse(p));
        assertEquals("cannot read " + p + ": No such file", e.getMessage());
        assertEquals(Optional.of(p), e.file());
    }

    @Test
    void missingSecondFileIsNamed() throws Exception {
        Path main = write("loncapa.conf", "PerlSetVar a 1\n");
        Path p = dir.resolve("loncapa_apache.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> PerlVars.parse(main, p));
        assertEquals("cannot read " + p + ": No such file", e.getMessage());
    }

    @Test
    void directoryIsNotReadable() {
        ConfigException e = assertThrows(ConfigException.class, () -> PerlVars.parse(dir));
        assertTrue(e.getMessage().startsWith("cannot read " + dir + ": "), e.getMessage());
    }

    @Test
    void invalidUtf8NamesTheLine() throws Exception {
        Path p = dir.resolve("loncapa.conf");
        Files.write(p, new byte[] {'#', '\n', 'P', 'e', 'r', 'l', 'S', 'e', 't', 'V', 'a', 'r',
            ' ', 'a', ' ', (byte) 0xff, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> PerlVars.parse(p));
        assertEquals(p + ":2: not valid UTF-8", e.getMessage());
    }

    @Test
    void noFilesIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> PerlVars.parse());
    }

    @Test
    void getWithDefault() {
        PerlVars v = PerlVars.of(Map.of("a", "1"));
        assertEquals("1", v.get("a", "d"));
        assertEquals("d", v.get("b", "d"));
        assertEquals(Optional.empty(), v.get("b"));
    }

    @Test
    void requireReturnsTheValue() throws Exception {
        assertEquals("msua3", PerlVars.of(Map.of("lonHostID", "msua3")).require("lonHostID"));
    }

    @Test
    void requireNamesTheOneFile() throws Exception {
        Path p = write("loncapa.conf", "PerlSetVar a 1\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> PerlVars.parse(p).require("lonHostID"));
        assertEquals(p + ": PerlSetVar lonHostID is not set", e.getMessage());
        assertEquals(Optional.of(p), e.file());
        assertEquals(0, e.line());
    }

    @Test
    void requireNamesAllFiles() throws Exception {
        Path a = write("loncapa.conf", "");
        Path b = write("loncapa_apache.conf", "");
        ConfigException e = assertThrows(ConfigException.class,
                () -> PerlVars.parse(a, b).require("lonHostID"));
        assertEquals("PerlSetVar lonHostID is not set in any of " + a + ", " + b, e.getMessage());
    }

    @Test
    void requireInCode() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PerlVars.of(Map.of()).require("lonHostID"));
        assertEquals("PerlSetVar lonHostID is not set (in-code configuration)", e.getMessage());
        assertEquals(Optional.empty(), e.file());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "no", "No", "NO", "false", "False", "off", "OFF"})
    void falseValues(String value) {
        assertFalse(PerlVars.of(Map.of("f", value)).flag("f", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "yes", "true", "on", "2", "00", "0.0", " ", "-1", " 0", "nope"})
    void trueValues(String value) {
        assertTrue(PerlVars.of(Map.of("f", value)).flag("f", false));
    }

    @Test
    void flagDefaultsWhenUnset() {
        PerlVars v = PerlVars.of(Map.of());
        assertTrue(v.flag("f", true));
        assertFalse(v.flag("f", false));
    }

    @Test
    void flagFromQuotedEmptyValueInFile() throws Exception {
        assertFalse(PerlVars.parse(write("c", "PerlSetVar f \"\"\n")).flag("f", true));
    }

    @Test
    void integers() throws Exception {
        PerlVars v = PerlVars.of(Map.of("a", "5663", "b", "-3", "c", "+7"));
        assertEquals(5663, v.integer("a", 1));
        assertEquals(-3, v.integer("b", 1));
        assertEquals(7, v.integer("c", 1));
        assertEquals(42, v.integer("unset", 42));
    }

    @Test
    void badIntegerNamesFileAndLine() throws Exception {
        Path p = write("loncapa.conf", "PerlSetVar a 1\nPerlSetVar londPort 56x3\n");
        PerlVars v = PerlVars.parse(p);
        ConfigException e = assertThrows(ConfigException.class, () -> v.integer("londPort", 5663));
        assertEquals(p + ":2: PerlSetVar londPort is not an integer: '56x3'", e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void integerOverflowIsNotAnInteger() throws Exception {
        Path p = write("loncapa.conf", "PerlSetVar n 99999999999\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> PerlVars.parse(p).integer("n", 0));
        assertEquals(p + ":1: PerlSetVar n is not an integer: '99999999999'", e.getMessage());
    }

    @Test
    void badIntegerInCodeHasNoLocation() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PerlVars.of(Map.of("n", "")).integer("n", 0));
        assertEquals("PerlSetVar n is not an integer: ''", e.getMessage());
    }

    @Test
    void paths() {
        PerlVars v = PerlVars.of(Map.of("lonSockDir", "/tmp/s"));
        assertEquals(Path.of("/tmp/s"), v.path("lonSockDir", "/home/httpd/sockets"));
        assertEquals(Path.of("/home/httpd/perl"), v.path("lonDaemons", "/home/httpd/perl"));
    }

    @Test
    void ofRejectsNulls() {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        m.put("a", null);
        assertThrows(NullPointerException.class, () -> PerlVars.of(m));
    }

    @Test
    void ofIsACopy() {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(Map.of("a", "1"));
        PerlVars v = PerlVars.of(m);
        m.put("a", "2");
        assertEquals(Optional.of("1"), v.get("a"));
        assertThrows(UnsupportedOperationException.class, () -> v.asMap().put("b", "x"));
    }

    @Test
    void toStringShowsNoValues() {
        String s = PerlVars.of(Map.of("lonSqlAccess", "s3cret")).toString();
        assertTrue(s.contains("lonSqlAccess"), s);
        assertFalse(s.contains("s3cret"), s);
    }
}

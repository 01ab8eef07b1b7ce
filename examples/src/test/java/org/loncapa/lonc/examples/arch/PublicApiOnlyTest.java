package org.loncapa.lonc.examples.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The examples are what an application would write: they use lonc-client's public API only, not
 * {@code client.internal} nor lonc-core. The one exception is the lond probe ({@code LondProbe}
 * and its command {@code ProbeCommand}), a protocol diagnostic that drives a single handshake
 * step by step with lonc-core's protocol and TLS classes, which the SDK deliberately hides.
 */
class PublicApiOnlyTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.loncapa.lonc.examples");

    private static final DescribedPredicate<JavaClass> THE_PROBE = DescribedPredicate.describe(
            "the lond probe", c -> {
                String top = c.getName().replaceFirst("\\$.*", "");
                return top.endsWith(".LondProbe") || top.endsWith(".ProbeCommand");
            });

    @Test
    void examplesUseOnlyTheClientsPublicApi() {
        noClasses().that().resideInAPackage("org.loncapa.lonc.examples..")
                .and(DescribedPredicate.not(THE_PROBE))
                .should().dependOnClassesThat().resideInAnyPackage("..internal..", "org.loncapa.lonc.core..")
                .because("examples show what an application writes with lonc-client's public API")
                .check(MAIN);
    }
}

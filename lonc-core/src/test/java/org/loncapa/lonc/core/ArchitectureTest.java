package org.loncapa.lonc.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of lonc-core's packages (docs/architecture.md, "Packages"): the API packages are
 * {@code core}, {@code core.config}, {@code core.deferred}, {@code core.protocol} and
 * {@code core.tls}; the engine's machinery lives under {@code core.internal}, which only lonc's own
 * modules may use. Names are strings, not class literals, so that the same rules can be run against
 * an older layout.
 */
class ArchitectureTest {
    private static final String CORE = "org.loncapa.lonc.core";
    /** The engine's machinery: no compatibility promise, never in an API signature. */
    private static final String[] INTERNAL = {CORE + ".internal.."};
    private static final String[] PROTOCOL = {CORE + ".protocol..", CORE + ".internal.protocol.."};
    private static final String FACADE = CORE + ".LoncEngine";
    private static final String FACADE_BACK_DOOR = CORE + ".internal.EngineInternals";

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(CORE);
    }

    @Test
    void protocolKnowsNothingOfPoolsOrTheEngine() {
        ArchRule rule = classes().that().resideInAnyPackage(PROTOCOL)
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(PROTOCOL,
                        "java..", "javax..", "org.slf4j..", "org.bouncycastle.."))
                .because("the protocol is a pure state machine over lines and bytes; the engine"
                        + " drives it, not the other way round");
        rule.check(core);
    }

    @Test
    void machineryKnowsNothingOfTheFacade() {
        ArchRule rule = noClasses().that().resideInAnyPackage(INTERNAL)
                .and(DescribedPredicate.describe("are not the facade's back door",
                        (JavaClass c) -> !outermost(c).equals(FACADE_BACK_DOOR)))
                .should().dependOnClassesThat(DescribedPredicate.describe("are the engine facade",
                        (JavaClass c) -> outermost(c).equals(FACADE)))
                .because("the pools get a PoolContext, not the LoncEngine");
        rule.check(core);
    }

    @Test
    void corePackagesAreFreeOfCycles() {
        slices().assignedFrom(new CoreSlices()).should().beFreeOfCycles().check(core);
    }

    @Test
    void apiSignaturesExposeNoInternalTypes() {
        ArchRule rule = classes().that().resideInAPackage(CORE + "..")
                .and().resideOutsideOfPackages(INTERNAL).and().arePublic()
                .should(exposeNoTypeFrom(INTERNAL))
                .because("what a public API type shows must be API too (docs/architecture.md)");
        rule.check(core);
    }

    /**
     * Slices: one per package, except that the root package holds two layers: the value types
     * ({@code RemoteHost}, {@code HostStatus} …), which the machinery uses, and the facade
     * {@code LoncEngine}, which uses the machinery. The facade's back door
     * ({@code internal.EngineInternals}) belongs to the facade.
     */
    private static final class CoreSlices implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (!p.equals(CORE) && !p.startsWith(CORE + ".")) {
                return SliceIdentifier.ignore();
            }
            String top = outermost(c);
            if (top.equals(FACADE) || top.equals(FACADE_BACK_DOOR)) {
                return SliceIdentifier.of("engine facade");
            }
            if (p.equals(CORE)) {
                return SliceIdentifier.of("core value types");
            }
            return SliceIdentifier.of(p.substring(CORE.length() + 1));
        }

        @Override
        public String getDescription() {
            return "lonc-core's packages (the root split into value types and facade)";
        }
    }

    private static String outermost(JavaClass c) {
        String n = c.getName();
        int dollar = n.indexOf('$');
        return dollar < 0 ? n : n.substring(0, dollar);
    }

    /**
     * No public or protected member of the class, nor its supertypes, names a type of those
     * packages (in parameters, results, type arguments, fields or exceptions).
     */
    private static ArchCondition<JavaClass> exposeNoTypeFrom(String... packages) {
        DescribedPredicate<JavaClass> banned = JavaClass.Predicates.resideInAnyPackage(packages);
        return new ArchCondition<>("expose no type of " + String.join(", ", packages)) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<String> found = new ArrayList<>();
                if (c.getRawSuperclass().isPresent()) {
                    note(found, banned, c.getSuperclass().orElseThrow(), c.getName() + " extends");
                }
                for (JavaType i : c.getInterfaces()) {
                    note(found, banned, i, c.getName() + " implements");
                }
                for (JavaField f : c.getFields()) {
                    if (visible(f.getModifiers())) {
                        note(found, banned, f.getType(), f.getFullName());
                    }
                }
                for (JavaCodeUnit u : c.getCodeUnits()) {
                    if (!visible(u.getModifiers()) || u.getName().startsWith("lambda$")) {
                        continue;
                    }
                    note(found, banned, u.getReturnType(), u.getFullName() + " returns");
                    for (JavaType t : u.getParameterTypes()) {
                        note(found, banned, t, u.getFullName() + " takes");
                    }
                    for (JavaClass t : u.getExceptionTypes()) {
                        note(found, banned, t, u.getFullName() + " throws");
                    }
                }
                for (String f : found) {
                    events.add(SimpleConditionEvent.violated(c, f));
                }
            }
        };
    }

    private static boolean visible(Set<JavaModifier> m) {
        return m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
    }

    private static void note(List<String> found, DescribedPredicate<JavaClass> banned, JavaType t,
            String where) {
        for (JavaClass raw : t.getAllInvolvedRawTypes()) {
            if (banned.test(raw)) {
                found.add(where + " " + raw.getName());
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

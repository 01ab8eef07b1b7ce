package org.loncapa.lonc.client.arch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * lonc-client's API is its own: every public or protected member of a public type in {@code
 * org.loncapa.lonc.client} (and its sub-packages but {@code internal}) names only JDK types,
 * Micrometer's (the binder) and lonc-client's own public types; never lonc-core's engine types
 * nor {@code client.internal}. Supertypes and thrown exceptions count too.
 */
class PublicApiTest {

    private static final JavaClasses CLIENT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.loncapa.lonc.client");

    @Test
    void publicSignaturesUseOnlyClientAndJdkTypes() {
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (JavaClass c : CLIENT) {
            if (!isApi(c)) {
                continue;
            }
            checked++;
            Set<JavaType> types = new LinkedHashSet<>();
            c.getRawSuperclass().ifPresent(types::add);
            types.addAll(c.getInterfaces());
            for (JavaType t : types) {
                check(c.getName() + " (supertype)", t, leaks);
            }
            for (JavaMember m : c.getMembers()) {
                if (!visible(m.getModifiers()) || m.getOwner() != c) {
                    continue;
                }
                String where = c.getName() + "." + m.getName();
                if (m instanceof JavaField f) {
                    check(where, f.getType(), leaks);
                } else if (m instanceof JavaCodeUnit u) {
                    check(where + " (return)", u.getReturnType(), leaks);
                    for (JavaType p : u.getParameterTypes()) {
                        check(where + " (parameter)", p, leaks);
                    }
                    for (JavaClass t : u.getThrowsClause().getTypes()) {
                        check(where + " (throws)", t, leaks);
                    }
                }
            }
        }
        assertTrue(checked > 10, "found only " + checked + " public client types");
        assertTrue(leaks.isEmpty(), "lonc-client's public API names types that are not its own:\n  "
                + String.join("\n  ", leaks));
    }

    /** A public type of an exported package (public all the way out, for nested types). */
    private static boolean isApi(JavaClass c) {
        if (c.getPackageName().contains(".internal") || c.isAnonymousClass() || c.isLocalClass()) {
            return false;
        }
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(Set<JavaModifier> mods) {
        return mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED);
    }

    private static void check(String where, JavaType type, List<String> leaks) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            JavaClass t = raw.isArray() ? raw.getBaseComponentType() : raw;
            if (!allowed(t)) {
                leaks.add(where + ": " + t.getName());
            }
        }
    }

    private static boolean allowed(JavaClass t) {
        String n = t.getName();
        if (t.isPrimitive() || n.startsWith("java.") || n.startsWith("javax.")
                || n.startsWith("io.micrometer.")) {
            return true;
        }
        return n.startsWith("org.loncapa.lonc.client.") && isApi(t);
    }
}

package org.loncapa.lonc.examples;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * The JSON the examples print ({@code lonc status --json}, {@code lonc deferred list --json}, the
 * web example's {@code /status}): records as objects of their components in declaration order
 * (as Jackson writes records), collections as arrays, enums by name, anything else
 * (an {@code Instant}) as its {@code toString()}. An
 * application would use its own JSON library; the examples bring none.
 */
final class JsonText {
    private JsonText() {}

    /** The value as compact JSON on one line. */
    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b);
        return b.toString();
    }

    private static void write(Object v, StringBuilder b) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            b.append(v);
        } else if (v instanceof Enum<?> e) {
            string(e.name(), b);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(sep);
                sep = ",";
                string(String.valueOf(e.getKey()), b);
                b.append(':');
                write(e.getValue(), b);
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            String sep = "";
            for (Object o : c) {
                b.append(sep);
                sep = ",";
                write(o, b);
            }
            b.append(']');
        } else if (v instanceof Record r) {
            b.append('{');
            String sep = "";
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                b.append(sep);
                sep = ",";
                string(c.getName(), b);
                b.append(':');
                try {
                    write(c.getAccessor().invoke(r), b);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + c.getName(), e);
                }
            }
            b.append('}');
        } else {
            string(v.toString(), b);
        }
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}

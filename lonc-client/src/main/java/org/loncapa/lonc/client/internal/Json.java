package org.loncapa.lonc.client.internal;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small JSON reader and writer for the daemon's admin socket and the CLI's {@code --json}
 * output, so that the SDK does not drag a JSON library into every web application. It writes
 * maps, lists, strings, numbers, booleans, null, enums (by name), {@link Instant}/{@link Duration}
 * (ISO-8601 text), {@link Optional} (value or null), arrays and records (an object of their
 * components, in declaration order, as Jackson writes records). It reads any JSON text into
 * {@code Map}/{@code List}/{@code String}/{@code Long}/{@code Double}/{@code Boolean}/null, and
 * can turn such a value back into a record whose components are of those kinds.
 *
 * <p>Stateless; any thread.
 */
public final class Json {
    private Json() {}

    /** Thrown for text that is not JSON, or JSON that does not fit the requested record. */
    public static final class JsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ writing

    /** The value as compact JSON text on one line. */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b);
        return b.toString();
    }

    private static void write(Object v, StringBuilder b) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(s, b);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Short || v instanceof Byte) {
            b.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                b.append("null");
            } else {
                b.append(n);
            }
        } else if (v instanceof Enum<?> e) {
            string(e.name(), b);
        } else if (v instanceof Instant || v instanceof Duration || v instanceof Character) {
            string(v.toString(), b);
        } else if (v instanceof Optional<?> o) {
            write(o.orElse(null), b);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(String.valueOf(e.getKey()), b);
                b.append(':');
                write(e.getValue(), b);
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(o, b);
            }
            b.append(']');
        } else if (v.getClass().isArray()) {
            b.append('[');
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(Array.get(v, i), b);
            }
            b.append(']');
        } else if (v instanceof Record r) {
            write(recordToMap(r), b);
        } else {
            string(v.toString(), b);
        }
    }

    /** The components of a record as a map, in declaration order. */
    public static Map<String, Object> recordToMap(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                m.put(c.getName(), c.getAccessor().invoke(r));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new JsonException("cannot read " + c.getName() + ": " + e);
            }
        }
        return m;
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
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    // ------------------------------------------------------------------ reading

    /** Parses one JSON text. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value(0);
        p.ws();
        if (p.i != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    /** Parses one JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new JsonException("expected a JSON object");
        }
        return (Map<String, Object>) v;
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 64;
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        JsonException error(String what) {
            return new JsonException(what + " at offset " + i);
        }

        void ws() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t'
                    || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
                i++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested too deeply");
            }
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'");
            }
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw error("expected " + word);
            }
            i += word.length();
            return v;
        }

        Map<String, Object> object(int depth) {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                if (i >= s.length() || s.charAt(i) != '"') {
                    throw error("expected a member name");
                }
                String k = string();
                ws();
                expect(':');
                ws();
                m.put(k, value(depth + 1));
                ws();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return m;
            }
        }

        List<Object> array(int depth) {
            List<Object> l = new ArrayList<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == ']') {
                i++;
                return l;
            }
            while (true) {
                ws();
                l.add(value(depth + 1));
                ws();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                expect(']');
                return l;
            }
        }

        void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        String string() {
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        throw error("unterminated escape");
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case '"', '\\', '/' -> b.append(e);
                        case 'n' -> b.append('\n');
                        case 'r' -> b.append('\r');
                        case 't' -> b.append('\t');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw error("short \\u escape");
                            }
                            try {
                                b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            } catch (NumberFormatException x) {
                                throw error("bad \\u escape");
                            }
                            i += 4;
                        }
                        default -> throw error("bad escape \\" + e);
                    }
                } else if (c < 0x20) {
                    throw error("control character in a string");
                } else {
                    b.append(c);
                }
            }
        }

        Object number() {
            int start = i;
            if (s.charAt(i) == '-') {
                i++;
            }
            boolean integral = true;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c >= '0' && c <= '9') {
                    i++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    i++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, i);
            try {
                if (integral) {
                    return Long.parseLong(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                i = start;
                throw error("bad number '" + t + "'");
            }
        }
    }

    // ------------------------------------------------------------------ records

    /**
     * Builds a record from a parsed JSON object, by component name. Components may be of a
     * primitive or boxed number type, boolean, String, an enum (by name), {@code List<String>},
     * {@code long[]}, {@code int[]}, {@link Instant} or {@link Optional} of one of those; a
     * missing member becomes null, zero, false, an empty list or an empty optional.
     */
    public static <R extends Record> R toRecord(Map<String, Object> m, Class<R> type) {
        RecordComponent[] comps = type.getRecordComponents();
        Class<?>[] types = new Class<?>[comps.length];
        Object[] args = new Object[comps.length];
        for (int k = 0; k < comps.length; k++) {
            types[k] = comps[k].getType();
            args[k] = convert(m.get(comps[k].getName()), comps[k].getType(),
                    comps[k].getGenericType(), comps[k].getName());
        }
        try {
            Constructor<R> c = type.getDeclaredConstructor(types);
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new JsonException("cannot build " + type.getSimpleName() + ": "
                    + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new JsonException("cannot build " + type.getSimpleName() + ": " + e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Object v, Class<?> t, Type generic, String name) {
        if (t == Optional.class) {
            Type inner = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[0]
                    : Object.class;
            Class<?> ic = inner instanceof Class<?> c ? c : Object.class;
            return v == null ? Optional.empty() : Optional.of(convert(v, ic, inner, name));
        }
        if (t == long.class || t == Long.class) {
            return v == null ? (t == long.class ? 0L : null) : number(v, name).longValue();
        }
        if (t == int.class || t == Integer.class) {
            return v == null ? (t == int.class ? 0 : null) : number(v, name).intValue();
        }
        if (t == double.class || t == Double.class) {
            return v == null ? (t == double.class ? 0.0 : null) : number(v, name).doubleValue();
        }
        if (t == boolean.class || t == Boolean.class) {
            if (v == null) {
                return t == boolean.class ? false : null;
            }
            if (v instanceof Boolean bo) {
                return bo;
            }
            throw new JsonException(name + " is not a boolean");
        }
        if (t == String.class) {
            return v == null ? null : v.toString();
        }
        if (t.isEnum()) {
            if (v == null) {
                return null;
            }
            try {
                return Enum.valueOf((Class<? extends Enum>) t, v.toString());
            } catch (IllegalArgumentException e) {
                throw new JsonException(name + ": unknown value " + v);
            }
        }
        if (t == Instant.class) {
            return v == null ? null : Instant.parse(v.toString());
        }
        if (t == List.class) {
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> l)) {
                throw new JsonException(name + " is not an array");
            }
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(o == null ? null : o.toString());
            }
            return out;
        }
        if (t == long[].class || t == int[].class) {
            List<?> l = v == null ? List.of() : v instanceof List<?> x ? x : null;
            if (l == null) {
                throw new JsonException(name + " is not an array");
            }
            if (t == long[].class) {
                long[] a = new long[l.size()];
                for (int k = 0; k < a.length; k++) {
                    a[k] = number(l.get(k), name).longValue();
                }
                return a;
            }
            int[] a = new int[l.size()];
            for (int k = 0; k < a.length; k++) {
                a[k] = number(l.get(k), name).intValue();
            }
            return a;
        }
        throw new JsonException(name + ": unsupported type " + t.getSimpleName());
    }

    private static Number number(Object v, String name) {
        if (v instanceof Number n) {
            return n;
        }
        throw new JsonException(name + " is not a number");
    }
}

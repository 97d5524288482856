package dev.scratchllm.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer (RFC 8259) for the files the library touches:
 * safetensors headers, GPT-2's {@code encoder.json}, the instruction data set, test vectors.
 *
 * <p>Parsing yields {@code Map<String,Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code Long} (integers that fit), {@code Double} (everything else numeric),
 * {@code Boolean} and {@code null}. Input is untrusted: nesting depth is bounded, and any
 * syntax error throws {@link IllegalArgumentException} naming the source and the character
 * offset. It does not stream, and it does not keep comments or formatting.
 */
public final class Json {
    /** Deepest nesting accepted; deeper input is rejected rather than overflowing the stack. */
    public static final int MAX_DEPTH = 512;

    private final String src;
    private final String name;
    private int pos;

    private Json(String src, String name) {
        this.src = src;
        this.name = name;
    }

    /**
     * Parses a whole JSON document.
     *
     * @param text the JSON text
     * @return the value (see the class comment for the types)
     * @throws IllegalArgumentException if the text is not valid JSON
     */
    public static Object parse(String text) {
        return parse(text, "JSON input");
    }

    /**
     * Parses a whole JSON document.
     *
     * @param sourceName named in error messages (for example the file name)
     * @param text the JSON text
     * @return the value (see the class comment for the types)
     * @throws IllegalArgumentException if the text is not valid JSON
     */
    public static Object parse(String text, String sourceName) {
        Json p = new Json(text, sourceName);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != p.src.length()) throw p.error("trailing characters after the JSON value");
        return v;
    }

    /**
     * Parses a document whose top level must be an object.
     *
     * @param text the JSON text
     * @param sourceName named in error messages (for example the file name)
     * @return the top-level object, insertion-ordered
     * @throws IllegalArgumentException if the text is not valid JSON or not an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String sourceName) {
        Object v = parse(text, sourceName);
        if (!(v instanceof Map)) throw new IllegalArgumentException(sourceName + ": expected a JSON object at the top level");
        return (Map<String, Object>) v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(name + ": malformed JSON at offset " + pos + ": " + what);
    }

    private void skipWs() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') pos++;
            else break;
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= src.length()) throw error("unexpected end of input");
        char c = src.charAt(pos);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': literal("true"); return Boolean.TRUE;
            case 'f': literal("false"); return Boolean.FALSE;
            case 'n': literal("null"); return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("unexpected character '" + c + "'");
        }
    }

    private void literal(String word) {
        if (!src.startsWith(word, pos)) throw error("expected '" + word + "'");
        pos += word.length();
    }

    private Map<String, Object> object(int depth) {
        pos++; // {
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (pos < src.length() && src.charAt(pos) == '}') { pos++; return m; }
        while (true) {
            skipWs();
            if (pos >= src.length() || src.charAt(pos) != '"') throw error("expected a string key");
            String key = string();
            skipWs();
            if (pos >= src.length() || src.charAt(pos) != ':') throw error("expected ':' after key \"" + key + "\"");
            pos++;
            skipWs();
            Object v = value(depth + 1);
            if (m.containsKey(key)) throw error("duplicate key \"" + key + "\"");
            m.put(key, v);
            skipWs();
            if (pos >= src.length()) throw error("unterminated object");
            char c = src.charAt(pos++);
            if (c == '}') return m;
            if (c != ',') { pos--; throw error("expected ',' or '}' in object"); }
        }
    }

    private List<Object> array(int depth) {
        pos++; // [
        List<Object> list = new ArrayList<>();
        skipWs();
        if (pos < src.length() && src.charAt(pos) == ']') { pos++; return list; }
        while (true) {
            skipWs();
            list.add(value(depth + 1));
            skipWs();
            if (pos >= src.length()) throw error("unterminated array");
            char c = src.charAt(pos++);
            if (c == ']') return list;
            if (c != ',') { pos--; throw error("expected ',' or ']' in array"); }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= src.length()) throw error("unterminated string");
            char c = src.charAt(pos);
            if (c == '"') {
                String s = sb == null ? src.substring(start, pos) : sb.append(src, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("control character in string");
            if (c == '\\') {
                if (sb == null) sb = new StringBuilder();
                sb.append(src, start, pos);
                pos++;
                if (pos >= src.length()) throw error("unterminated escape");
                char e = src.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > src.length()) throw error("truncated \\u escape");
                        int cp = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(src.charAt(pos + i), 16);
                            if (d < 0) throw error("bad hex digit in \\u escape");
                            cp = cp * 16 + d;
                        }
                        pos += 4;
                        sb.append((char) cp);
                    }
                    default -> { pos--; throw error("bad escape '\\" + e + "'"); }
                }
                start = pos;
            } else {
                pos++;
            }
        }
    }

    private Object number() {
        int start = pos;
        if (src.charAt(pos) == '-') pos++;
        if (pos >= src.length()) throw error("truncated number");
        if (src.charAt(pos) == '0') pos++;
        else if (isDigit()) while (isDigit()) pos++;
        else throw error("bad number");
        boolean integral = true;
        if (pos < src.length() && src.charAt(pos) == '.') {
            integral = false;
            pos++;
            if (!isDigit()) throw error("digit expected after '.'");
            while (isDigit()) pos++;
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
            if (!isDigit()) throw error("digit expected in exponent");
            while (isDigit()) pos++;
        }
        String t = src.substring(start, pos);
        if (integral && t.length() <= 18) return Long.parseLong(t);
        if (integral) {
            try { return Long.parseLong(t); } catch (NumberFormatException ignored) { /* too big: fall through */ }
        }
        return Double.parseDouble(t);
    }

    private boolean isDigit() {
        return pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9';
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a value built of maps, lists, strings, numbers, booleans and null as compact JSON.
     *
     * @param value the value to write
     * @return the JSON text
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) sb.append("null");
        else if (v instanceof String s) quote(sb, s);
        else if (v instanceof Boolean b) sb.append(b);
        else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) throw new IllegalArgumentException("Json.write: " + d + " is not representable in JSON");
            sb.append(d);
        } else if (v instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) throw new IllegalArgumentException("Json.write: " + f + " is not representable in JSON");
            sb.append(f);
        } else if (v instanceof Number n) sb.append(n);
        else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                write(sb, l.get(i));
            }
            sb.append(']');
        } else throw new IllegalArgumentException("Json.write: cannot write a " + v.getClass().getName());
    }

    /**
     * Appends {@code s} as a quoted JSON string.
     *
     * @param sb where to append
     * @param s the string to quote
     */
    public static void quote(StringBuilder sb, String s) {
        quote(sb, s, false);
    }

    /**
     * Appends {@code s} as a quoted JSON string; with {@code asciiOnly}, every character outside
     * printable ASCII is escaped as a backslash-u escape with four hex digits, as Python's {@code json.dumps} does by default.
     *
     * @param sb where to append
     * @param s the string to quote
     * @param asciiOnly whether to escape everything outside printable ASCII
     */
    public static void quote(StringBuilder sb, String s, boolean asciiOnly) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7e)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}

/*
 * JsonFields: typed access to a parsed JSON request with 400 errors that name the field, shared
 * by the OpenAI and Ollama endpoints. Numbers may come as integers or decimals (Json gives Long or
 * Double); null counts as absent, as both APIs treat it.
 */
package dev.scratchllm.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads request fields, or throws {@link ApiError} 400 naming the field. */
final class JsonFields {
    private JsonFields() {
    }

    static String string(Map<String, Object> o, String name, String prefix) {
        Object v = o.get(name);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be a string");
    }

    static Boolean bool(Map<String, Object> o, String name, String prefix) {
        Object v = o.get(name);
        if (v == null) return null;
        if (v instanceof Boolean b) return b;
        throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be true or false");
    }

    static Double number(Map<String, Object> o, String name, String prefix, double min, double max) {
        Object v = o.get(name);
        if (v == null) return null;
        if (!(v instanceof Number n)) throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be a number");
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(d));
        return d;
    }

    static Long integer(Map<String, Object> o, String name, String prefix, long min, long max) {
        Object v = o.get(name);
        if (v == null) return null;
        long l;
        if (v instanceof Long x) l = x;
        else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) l = d.longValue();
        else throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be an integer");
        if (l < min || l > max) throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be between " + min + " and " + max + ", got " + l);
        return l;
    }

    /** A string or an array of strings (OpenAI's {@code stop}, Ollama's {@code options.stop}). */
    static List<String> stringOrList(Map<String, Object> o, String name, String prefix, int maxItems) {
        Object v = o.get(name);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        if (v instanceof String s) out.add(s);
        else if (v instanceof List<?> l) {
            for (Object x : l) {
                if (!(x instanceof String s)) throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be a string or an array of strings");
                out.add(s);
            }
        } else throw ApiError.badField(prefix + name, "'" + prefix + name + "' must be a string or an array of strings");
        if (out.size() > maxItems) throw ApiError.badField(prefix + name, "'" + prefix + name + "' may hold at most " + maxItems + " strings");
        for (String s : out) if (s.isEmpty()) throw ApiError.badField(prefix + name, "'" + prefix + name + "' must not contain an empty string");
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> o, String name) {
        Object v = o.get(name);
        if (v == null) return Map.of();
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw ApiError.badField(name, "'" + name + "' must be an object");
    }

    /** Chat messages: {@code [{"role", "content"}]}; content may be a string or OpenAI's text parts. */
    static List<ChatMessage> messages(Map<String, Object> o, boolean requireNonEmpty) {
        Object v = o.get("messages");
        if (v == null && !requireNonEmpty) return List.of();
        if (!(v instanceof List<?> l)) throw ApiError.badField("messages", "'messages' must be an array of messages");
        if (l.isEmpty() && requireNonEmpty) throw ApiError.badField("messages", "'messages' must not be empty");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(l.get(i) instanceof Map<?, ?> m)) throw ApiError.badField(at, "'" + at + "' must be an object");
            Object role = m.get("role");
            if (!(role instanceof String r)) throw ApiError.badField(at + ".role", "'" + at + ".role' must be a string");
            if (r.equals("developer")) r = "system"; // OpenAI's newer name for the system role
            if (!ChatMessage.ROLES.contains(r)) throw ApiError.badField(at + ".role", "'" + at + ".role' must be system, user or assistant; got '" + r + "'");
            out.add(new ChatMessage(r, content(m.get("content"), at + ".content", r.equals("assistant"))));
        }
        return out;
    }

    private static String content(Object c, String at, boolean nullable) {
        if (c == null && nullable) return "";
        if (c instanceof String s) return s;
        if (c instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Map<?, ?> m && "text".equals(m.get("type")) && m.get("text") instanceof String t) sb.append(t);
                else throw ApiError.badField(at, "'" + at + "' parts must be {\"type\": \"text\", \"text\": ...}: this server reads text only");
            }
            return sb.toString();
        }
        throw ApiError.badField(at, "'" + at + "' must be a string");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}

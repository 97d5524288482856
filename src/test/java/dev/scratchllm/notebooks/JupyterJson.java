/*
 * JupyterJson: writes a JSON tree the way Jupyter (nbformat) saves notebooks - keys sorted,
 * one-space indentation, one item per line, non-ASCII kept as is, a trailing newline - so a
 * regenerated notebook differs from a Jupyter-saved one only where its content differs.
 * It does not: parse (that is dev.scratchllm.io.Json), or reproduce Python's float repr for
 * non-integral numbers (notebooks written here hold none).
 */
package dev.scratchllm.notebooks;

import dev.scratchllm.io.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Jupyter-style pretty printer (Python's {@code json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)} + newline). */
final class JupyterJson {
    private JupyterJson() {
    }

    /** The whole document with a trailing newline. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<String> keys = new ArrayList<>();
            for (Object k : m.keySet()) keys.add(String.valueOf(k));
            keys.sort(null);
            sb.append("{\n");
            for (int i = 0; i < keys.size(); i++) {
                pad(sb, indent + 1);
                Json.quote(sb, keys.get(i));
                sb.append(": ");
                write(sb, m.get(keys.get(i)), indent + 1);
                sb.append(i + 1 < keys.size() ? ",\n" : "\n");
            }
            pad(sb, indent);
            sb.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                pad(sb, indent + 1);
                write(sb, l.get(i), indent + 1);
                sb.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            pad(sb, indent);
            sb.append(']');
        } else {
            sb.append(Json.write(v));
        }
    }

    private static void pad(StringBuilder sb, int n) {
        sb.append(" ".repeat(n));
    }
}

/*
 * Notebook: an nbformat-4 Jupyter notebook as the notebook runner sees it - its cells (type,
 * source, stored outputs) over the parsed JSON tree, and the rewrite of code-cell outputs and
 * execution counts that regeneration needs.
 * It does not: validate the full nbformat schema, keep attachments' or widgets' semantics (they
 * pass through untouched), or interpret rich outputs (only "stream" outputs are read back).
 */
package dev.scratchllm.notebooks;

import dev.scratchllm.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed {@code .ipynb} file; cells are views over the JSON tree, so rewriting outputs keeps everything else. */
final class Notebook {
    /** The kernelspec every project notebook declares (a Java kernel such as JJava or IJava). */
    static final Map<String, Object> KERNELSPEC = ordered("display_name", "Java", "language", "java", "name", "java");

    private final String name;
    private final Map<String, Object> root;
    private final List<Cell> cells = new ArrayList<>();

    private Notebook(String name, Map<String, Object> root) {
        this.name = name;
        this.root = root;
        Object nbformat = root.get("nbformat");
        if (!(nbformat instanceof Long v) || v != 4)
            throw new IllegalArgumentException(name + ": \"nbformat\" must be 4, got " + nbformat);
        if (!(root.get("cells") instanceof List<?> list))
            throw new IllegalArgumentException(name + ": \"cells\" is missing or not a list");
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m))
                throw new IllegalArgumentException(name + ": cell " + (i + 1) + " is not a JSON object");
            cells.add(new Cell(i + 1, cast(m)));
        }
    }

    /** Reads and parses a notebook file. */
    static Notebook read(Path file) throws IOException {
        String name = file.getFileName().toString();
        return parse(name.endsWith(".ipynb") ? name.substring(0, name.length() - 6) : name, Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses notebook JSON; {@code name} is used in messages (the file name without {@code .ipynb}). */
    static Notebook parse(String name, String json) {
        return new Notebook(name, Json.parseObject(json, name + ".ipynb"));
    }

    /** The notebook's name (file name without {@code .ipynb}). */
    String name() {
        return name;
    }

    /** All cells in order. */
    List<Cell> cells() {
        return cells;
    }

    /** The kernelspec name from the metadata, or {@code null} when there is none. */
    String kernelName() {
        if (root.get("metadata") instanceof Map<?, ?> md && md.get("kernelspec") instanceof Map<?, ?> ks
                && ks.get("name") instanceof String s) return s;
        return null;
    }

    /** The notebook as Jupyter writes it: sorted keys, one-space indent, trailing newline. */
    String toJson() {
        return JupyterJson.write(root);
    }

    /** One cell; {@code number} is 1-based over all cells of the notebook. */
    static final class Cell {
        private final int number;
        private final Map<String, Object> json;

        Cell(int number, Map<String, Object> json) {
            this.number = number;
            this.json = json;
        }

        int number() {
            return number;
        }

        String type() {
            return String.valueOf(json.get("cell_type"));
        }

        boolean isCode() {
            return "code".equals(json.get("cell_type"));
        }

        /** The source text (nbformat allows a string or a list of lines). */
        String source() {
            return multiline(json.get("source"));
        }

        /** The concatenated text of the stored {@code stream} outputs named {@code streamName} ("stdout" or "stderr"). */
        String storedStream(String streamName) {
            StringBuilder sb = new StringBuilder();
            if (json.get("outputs") instanceof List<?> outs) {
                for (Object o : outs) {
                    if (o instanceof Map<?, ?> m && "stream".equals(m.get("output_type")) && streamName.equals(m.get("name")))
                        sb.append(multiline(m.get("text")));
                }
            }
            return sb.toString();
        }

        /** Replaces the stored outputs by the given streams (empty ones are left out) and sets the execution count. */
        void setOutputs(long executionCount, String stdout, String stderr) {
            List<Object> outs = new ArrayList<>();
            if (!stdout.isEmpty()) outs.add(ordered("name", "stdout", "output_type", "stream", "text", lines(stdout)));
            if (!stderr.isEmpty()) outs.add(ordered("name", "stderr", "output_type", "stream", "text", lines(stderr)));
            json.put("execution_count", executionCount);
            json.put("outputs", outs);
        }
    }

    /** Splits text the way Jupyter stores it: one list entry per line, each keeping its newline. */
    static List<Object> lines(String text) {
        List<Object> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    private static String multiline(Object v) {
        if (v == null) return "";
        if (v instanceof String s) return s;
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder();
            for (Object o : l) sb.append(o);
            return sb.toString();
        }
        throw new IllegalArgumentException("expected a string or a list of strings, got " + v.getClass().getSimpleName());
    }

    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}

/*
 * PreferenceData: the DPO bonus's data file (instruction-data-with-preference.json, 1,100
 * entries), read strictly: every entry must be an object with the five string fields and
 * non-empty responses, and an error names the file, the entry and the field. It splits like
 * chapter 7 (85 % / 10 % / 5 % in file order). It does not download the file; BookData does.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.data.BookData;
import dev.scratchllm.io.AtomicFiles;
import dev.scratchllm.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loading, checking, splitting and writing the preference data. */
public final class PreferenceData {
    /** The data file's name, as the book repository publishes it. */
    public static final String FILE = "instruction-data-with-preference.json";
    private static final Set<String> KEYS = Set.of("instruction", "input", "output", "chosen", "rejected");

    /**
     * The book's split.
     *
     * @param train the first 85 %
     * @param test the next 10 %
     * @param validation the rest
     */
    public record Split(List<PreferenceEntry> train, List<PreferenceEntry> test, List<PreferenceEntry> validation) {
        /** Copies the lists. */
        public Split {
            train = List.copyOf(train);
            test = List.copyOf(test);
            validation = List.copyOf(validation);
        }
    }

    private PreferenceData() {
    }

    /**
     * The book's file, found by {@link BookData#path(String)} ({@code SCRATCHLLM_DATA}, the
     * project's {@code data/}, or a verified download).
     *
     * @return the 1,100 entries
     * @throws UncheckedIOException if the file cannot be found or read, or is malformed
     */
    public static List<PreferenceEntry> load() {
        try {
            return load(BookData.path(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a preference file.
     *
     * @param file the JSON file
     * @return the entries, in file order
     * @throws IOException if the file is too large, unreadable or malformed (naming the entry and field)
     */
    public static List<PreferenceEntry> load(Path file) throws IOException {
        return InstructionData.loadJson(file, PreferenceData::parse);
    }

    /**
     * Parses a JSON list of objects with the string fields {@code instruction}, {@code input},
     * {@code output}, {@code chosen} and {@code rejected}.
     *
     * @param json the JSON text
     * @param source named in error messages
     * @return the entries, in order
     * @throws IllegalArgumentException for malformed JSON, an empty list, an entry that is not an object, a
     *     missing, unknown or non-string field, or an empty instruction or response — naming the entry
     */
    public static List<PreferenceEntry> parse(String json, String source) {
        Object top = Json.parse(json, source);
        if (!(top instanceof List<?> list))
            throw new IllegalArgumentException(source + ": expected a JSON list of preference entries at the top level");
        if (list.isEmpty()) throw new IllegalArgumentException(source + ": the list of preference entries is empty");
        List<PreferenceEntry> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m))
                throw new IllegalArgumentException(source + ": entry " + i + " is not an object with instruction, input, output, chosen and rejected");
            for (Object k : m.keySet())
                if (!KEYS.contains(String.valueOf(k)))
                    throw new IllegalArgumentException(source + ": entry " + i + " has the unknown field \"" + k + "\" (expected instruction, input, output, chosen, rejected)");
            String instruction = field(m, "instruction", source, i, false);
            String input = field(m, "input", source, i, true);
            String output = field(m, "output", source, i, true);
            String chosen = field(m, "chosen", source, i, false);
            String rejected = field(m, "rejected", source, i, false);
            out.add(new PreferenceEntry(instruction, input, output, chosen, rejected));
        }
        return out;
    }

    private static String field(Map<?, ?> m, String key, String source, int i, boolean mayBeEmpty) {
        if (!m.containsKey(key)) throw new IllegalArgumentException(source + ": entry " + i + " has no field \"" + key + "\"");
        if (!(m.get(key) instanceof String s))
            throw new IllegalArgumentException(source + ": entry " + i + ", field \"" + key + "\" is not a string");
        if (!mayBeEmpty && s.isBlank()) throw new IllegalArgumentException(source + ": entry " + i + ", field \"" + key + "\" is empty");
        return s;
    }

    /**
     * The book's split in file order: {@code int(0.85 n)} for training, {@code int(0.1 n)} for
     * testing, the rest for validation (935 / 110 / 55 of 1,100).
     *
     * @param data the entries
     * @return the three parts
     */
    public static Split split(List<PreferenceEntry> data) {
        List<List<PreferenceEntry>> p = InstructionData.bookSplit(data);
        return new Split(p.get(0), p.get(1), p.get(2));
    }

    /**
     * The entries as the book's JSON (keys in the file's order: instruction, input, output,
     * rejected, chosen).
     *
     * @param entries the entries
     * @return the JSON text
     */
    public static String toJson(List<PreferenceEntry> entries) {
        List<Object> list = new ArrayList<>(entries.size());
        for (PreferenceEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instruction", e.instruction());
            m.put("input", e.input());
            m.put("output", e.output());
            m.put("rejected", e.rejected());
            m.put("chosen", e.chosen());
            list.add(m);
        }
        return Json.write(list);
    }

    /**
     * Writes the entries as JSON, atomically.
     *
     * @param file the file to write
     * @param entries the entries
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, List<PreferenceEntry> entries) throws IOException {
        AtomicFiles.writeString(file, toJson(entries));
    }
}

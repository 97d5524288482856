/*
 * InstructionData: chapter 7's data handling (sections 7.2 and 7.7): load instruction-data.json
 * strictly (a list of {instruction, input, output} objects, anything else is a clear error), split
 * it 85/10/5 in file order (935 / 110 / 55), format entries with the Alpaca prompt template
 * (format_input) or exercise 7.1's Phi-3 template, extract a response from generated text, and
 * write instruction-data-with-response.json as Python's json.dump(indent=4) does.
 *
 * It does not tokenize (InstructionDataset) or run a model (InstructionTuning).
 */
package dev.scratchllm.finetune;

import dev.scratchllm.data.BookData;
import dev.scratchllm.io.AtomicFiles;
import dev.scratchllm.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chapter 7's instruction data.
 *
 * <pre>{@code
 * List<InstructionEntry> data = InstructionData.load();      // 1,100 entries
 * var split = InstructionData.split(data);                   // 935 train, 110 test, 55 validation
 * String prompt = InstructionData.formatInput(data.get(50));  // "Below is an instruction ..."
 * }</pre>
 */
public final class InstructionData {
    /** The data file's name (found by {@link BookData}: {@code SCRATCHLLM_DATA}, the download cache, {@code data/}, or downloaded into the cache). */
    public static final String FILE = "instruction-data.json";
    /** The largest file {@link #load(Path)} reads. */
    public static final long MAX_FILE_BYTES = 256L << 20;

    /** The Alpaca template's preamble. */
    public static final String ALPACA_PREAMBLE = "Below is an instruction that describes a task. Write a response that appropriately completes the request.";

    /** A prompt template: the book's Alpaca style, or exercise 7.1's Phi-3 style. */
    public enum PromptStyle {
        /** {@code format_input}: "Below is an instruction ... ### Instruction: ... ### Input: ... ### Response:". */
        ALPACA("\n\n### Response:\n", "### Response:"),
        /** Exercise 7.1's {@code format_input_phi}: {@code <|user|>} / {@code <|assistant|>:}. */
        PHI3("\n<|assistant|>:\n", "<|assistant|>:");

        private final String responsePrefix, responseMarker;

        PromptStyle(String responsePrefix, String responseMarker) {
            this.responsePrefix = responsePrefix;
            this.responseMarker = responseMarker;
        }

        /**
         * The instruction and input part of the prompt.
         *
         * @param entry the entry
         * @return the prompt without the response
         */
        public String formatInput(InstructionEntry entry) {
            return this == ALPACA ? InstructionData.formatInput(entry) : InstructionData.formatInputPhi(entry);
        }

        /**
         * The response part of a training text: {@code "\n\n### Response:\n" + output} (Alpaca).
         *
         * @param entry the entry
         * @return the response part, ending with the entry's output
         */
        public String formatResponse(InstructionEntry entry) {
            return responsePrefix + entry.output();
        }

        /**
         * The marker that {@link #extractResponse} removes ({@code "### Response:"}).
         *
         * @return the marker text
         */
        public String responseMarker() {
            return responseMarker;
        }
    }

    /**
     * Training, test and validation entries (file order).
     *
     * @param train the training entries
     * @param test the test entries
     * @param validation the validation entries
     */
    public record Split(List<InstructionEntry> train, List<InstructionEntry> test, List<InstructionEntry> validation) {
        /** Copies the three lists into unmodifiable ones. */
        public Split {
            train = List.copyOf(train);
            test = List.copyOf(test);
            validation = List.copyOf(validation);
        }
    }

    private static final Set<String> KEYS = Set.of("instruction", "input", "output", "model_response");

    private InstructionData() {
    }

    // ------------------------------------------------------------------ loading

    /**
     * The book's {@code download_and_load_file}: {@code instruction-data.json} from disk (or downloaded,
     * SHA-256 checked), parsed strictly.
     *
     * @return the 1,100 entries, in file order
     * @throws UncheckedIOException if the file is nowhere and cannot be downloaded, or cannot be read or
     *     parsed
     */
    public static List<InstructionEntry> load() {
        try {
            return load(BookData.path(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and parses a file of entries ({@link #parse}).
     *
     * @param file the JSON file
     * @return the entries, in file order
     * @throws IOException if the file cannot be read, is too large, or is not a list of entries
     */
    public static List<InstructionEntry> load(Path file) throws IOException {
        return loadJson(file, InstructionData::parse);
    }

    /**
     * Reads a JSON data file of at most {@link #MAX_FILE_BYTES} and parses it; a parse error
     * (which names the file and the entry) becomes an {@link IOException}.
     */
    static <T> List<T> loadJson(Path file, java.util.function.BiFunction<String, String, List<T>> parser) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) throw new IOException(file + ": " + size + " bytes is more than the limit of " + MAX_FILE_BYTES);
        try {
            return parser.apply(dev.scratchllm.io.TextFiles.readUtf8(file), file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Parses a JSON list of objects with the string fields {@code instruction}, {@code input},
     * {@code output} (and optionally {@code model_response}).
     *
     * @param source named in error messages
     * @param json the JSON text
     * @return the entries, in order
     * @throws IllegalArgumentException for malformed JSON, another top-level value, an entry that
     *     is not an object, a missing or non-string field, or an unknown field — naming the entry
     */
    public static List<InstructionEntry> parse(String json, String source) {
        Object top = Json.parse(json, source);
        if (!(top instanceof List<?> list))
            throw new IllegalArgumentException(source + ": expected a JSON list of entries at the top level, found " + kind(top));
        List<InstructionEntry> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m))
                throw new IllegalArgumentException(source + ": entry " + i + " is " + kind(list.get(i)) + ", expected an object with instruction, input and output");
            for (Object k : m.keySet())
                if (!KEYS.contains(String.valueOf(k)))
                    throw new IllegalArgumentException(source + ": entry " + i + " has the unknown field \"" + k + "\" (expected instruction, input, output, model_response)");
            String instruction = field(m, "instruction", source, i, true);
            String input = field(m, "input", source, i, true);
            String output = field(m, "output", source, i, true);
            String response = field(m, "model_response", source, i, false);
            out.add(new InstructionEntry(instruction, input, output, response));
        }
        return out;
    }

    private static String field(Map<?, ?> m, String key, String source, int i, boolean required) {
        if (!m.containsKey(key)) {
            if (required) throw new IllegalArgumentException(source + ": entry " + i + " has no field \"" + key + "\"");
            return null;
        }
        Object v = m.get(key);
        if (!(v instanceof String s))
            throw new IllegalArgumentException(source + ": entry " + i + ", field \"" + key + "\" is " + kind(v) + ", expected a string");
        return s;
    }

    private static String kind(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "a list";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        return "a number";
    }

    /**
     * The book's split in file order: the first {@code int(0.85 n)} entries for training, the
     * next {@code int(0.1 n)} for testing, the rest for validation (935 / 110 / 55 of 1,100).
     *
     * @param data the entries
     * @return the three parts
     */
    public static Split split(List<InstructionEntry> data) {
        List<List<InstructionEntry>> p = bookSplit(data);
        return new Split(p.get(0), p.get(1), p.get(2));
    }

    /** The book's 85 % / 10 % / rest cut in file order, as {train, test, validation} (the preference data's too). */
    static <T> List<List<T>> bookSplit(List<T> data) {
        int n = data.size();
        int trainPortion = (int) (n * 0.85); // 85% for training
        int testPortion = (int) (n * 0.1);   // 10% for testing
        return List.of(data.subList(0, trainPortion), data.subList(trainPortion, trainPortion + testPortion), data.subList(trainPortion + testPortion, n));
    }

    // ------------------------------------------------------------------ prompt formatting

    /**
     * The book's {@code format_input(entry)} (listing 7.2), the Alpaca template:
     * <pre>
     * Below is an instruction that describes a task. Write a response that appropriately completes the request.
     *
     * ### Instruction:
     * {instruction}
     *
     * ### Input:
     * {input}
     * </pre>
     * (the input section only when the input is not empty).
     *
     * @param entry the entry
     * @return the prompt without the response
     */
    public static String formatInput(InstructionEntry entry) {
        String instructionText = ALPACA_PREAMBLE + "\n\n### Instruction:\n" + entry.instruction();
        String inputText = entry.input().isEmpty() ? "" : "\n\n### Input:\n" + entry.input();
        return instructionText + inputText;
    }

    /**
     * Exercise 7.1's {@code format_input_phi(entry)}: {@code "<|user|>\n" + instruction} (+
     * {@code "\n" + input}).
     *
     * @param entry the entry
     * @return the prompt without the response
     */
    public static String formatInputPhi(InstructionEntry entry) {
        String instructionText = "<|user|>\n" + entry.instruction();
        String inputText = entry.input().isEmpty() ? "" : "\n" + entry.input();
        return instructionText + inputText;
    }

    /**
     * Section 7.5's response extraction:
     * {@code generated_text[len(input_text):].replace("### Response:", "").strip()}.
     * ({@code strip} removes Python's whitespace, which includes {@code \n}, {@code \t} and the
     * other Unicode spaces.)
     *
     * @param generatedText the prompt followed by the generated text, decoded
     * @param inputText the prompt
     * @return the response, stripped
     */
    public static String extractResponse(String generatedText, String inputText) {
        return extractResponse(generatedText, inputText, PromptStyle.ALPACA);
    }

    /**
     * {@link #extractResponse(String, String)} for a prompt style (Phi-3 removes {@code "<|assistant|>:"}).
     *
     * @param generatedText the prompt followed by the generated text, decoded
     * @param inputText the prompt
     * @param style the prompt style, whose response marker is removed
     * @return the response, stripped
     */
    public static String extractResponse(String generatedText, String inputText, PromptStyle style) {
        String rest = generatedText.length() >= inputText.length() ? generatedText.substring(inputText.length()) : "";
        return pythonStrip(rest.replace(style.responseMarker(), ""));
    }

    /** Python's {@code str.strip()} (whitespace as {@code str.isspace} defines it). */
    static String pythonStrip(String s) {
        int b = 0, e = s.length();
        while (b < e && isPythonSpace(s.charAt(b))) b++;
        while (e > b && isPythonSpace(s.charAt(e - 1))) e--;
        return s.substring(b, e);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085' || (c >= '\u001c' && c <= '\u001f');
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes entries (with their {@code model_response} when present) as
     * {@code json.dump(test_data, file, indent=4)} does: four-space indentation, {@code ", "}
     * and {@code ": "} separators, non-ASCII characters escaped as {@code \\uXXXX}, no final
     * line break. Written atomically.
     *
     * @param file the file to write; folders are created
     * @param entries the entries
     * @throws IOException if the file cannot be written
     */
    public static void writeJson(Path file, List<InstructionEntry> entries) throws IOException {
        AtomicFiles.writeString(file, toJson(entries));
    }

    /**
     * The text {@link #writeJson} writes.
     *
     * @param entries the entries
     * @return the JSON text
     */
    public static String toJson(List<InstructionEntry> entries) {
        if (entries.isEmpty()) return "[]";
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < entries.size(); i++) {
            InstructionEntry e = entries.get(i);
            sb.append("    {\n");
            member(sb, "instruction", e.instruction(), false);
            member(sb, "input", e.input(), false);
            member(sb, "output", e.output(), e.modelResponse() == null);
            if (e.modelResponse() != null) member(sb, "model_response", e.modelResponse(), true);
            sb.append("    }").append(i + 1 < entries.size() ? ",\n" : "\n");
        }
        return sb.append(']').toString();
    }

    private static void member(StringBuilder sb, String key, String value, boolean last) {
        sb.append("        ");
        pythonQuote(sb, key);
        sb.append(": ");
        pythonQuote(sb, value);
        sb.append(last ? "\n" : ",\n");
    }

    /** A JSON string as Python's {@code json.dumps} writes it with {@code ensure_ascii=True}. */
    static void pythonQuote(StringBuilder sb, String s) {
        dev.scratchllm.io.Json.quote(sb, s, true);
    }
}

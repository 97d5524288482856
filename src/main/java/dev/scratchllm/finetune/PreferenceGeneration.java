/*
 * PreferenceGeneration: the DPO bonus's create-preference-data-ollama notebook — for each entry
 * of chapter 7's instruction data, an Ollama-compatible server rewrites the output to be
 * slightly more polite or more impolite (chosen at random per entry, seeded); a polite rewrite
 * becomes "chosen" and the original "rejected", an impolite one the reverse. It does not judge
 * the rewrites; an empty rewrite is an error naming the entry.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.random.Generator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Preference pairs written by a local LLM. */
public final class PreferenceGeneration {
    private PreferenceGeneration() {
    }

    /**
     * The notebook's prompt: {@code Given the input `{format_input(entry)}` and correct output
     * `{output}`, slightly rewrite the output to be more {politeness}.Keep the modification
     * minimal.Only return return the generated response and nothing else.} (the notebook's words,
     * missing spaces and doubled "return" included, so a server answers as it did for the book).
     *
     * @param entry the instruction entry
     * @param polite true for "polite", false for "impolite"
     * @return the prompt
     */
    public static String prompt(InstructionEntry entry, boolean polite) {
        return "Given the input `" + InstructionData.formatInput(entry) + "` "
                + "and correct output `" + entry.output() + "`, "
                + "slightly rewrite the output to be more " + (polite ? "polite" : "impolite") + "."
                + "Keep the modification minimal."
                + "Only return return the generated response and nothing else.";
    }

    /**
     * {@code generate_model_responses}: one rewrite per entry.
     *
     * @param entries the instruction entries
     * @param client the server to ask
     * @param model the server's model name
     * @param seed the seed of the polite/impolite choices
     * @param progress called with the number of entries done, or null
     * @return the preference entries, in the input's order
     * @throws IOException if a query fails or a rewrite is empty (naming the entry)
     */
    public static List<PreferenceEntry> generate(List<InstructionEntry> entries, OllamaClient client, String model, long seed, IntConsumer progress)
            throws IOException {
        Generator g = new Generator(seed);
        List<PreferenceEntry> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            InstructionEntry e = entries.get(i);
            boolean polite = g.randint(2, 1)[0] == 1; // torch.randint(2, (1,)) after manual_seed(seed), not Python's random.choice
            String response;
            try {
                response = client.queryModel(prompt(e, polite), model).strip();
            } catch (IOException ex) {
                throw new IOException("entry " + i + " (\"" + abbreviate(e.instruction()) + "\"): " + ex.getMessage(), ex);
            }
            if (response.isEmpty()) throw new IOException("entry " + i + " (\"" + abbreviate(e.instruction()) + "\"): the server returned an empty rewrite");
            out.add(polite ? new PreferenceEntry(e.instruction(), e.input(), e.output(), response, e.output())
                    : new PreferenceEntry(e.instruction(), e.input(), e.output(), e.output(), response));
            if (progress != null) progress.accept(i + 1);
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}

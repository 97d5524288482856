/*
 * Classify: the "classify" command, section 6.8: load a classifier checkpoint written by
 * finetune-classifier (its configuration, 2-class head and LoRA wrappers are rebuilt from the
 * checkpoint's record) and print "spam" or "not spam" for a text, or for the book's two examples.
 *
 * It does not train.
 */
package dev.scratchllm.cli;

import dev.scratchllm.finetune.Classification;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code classify [--checkpoint DIR] [--text TEXT]}. */
public final class Classify {
    /** The book's first example (spam). */
    public static final String BOOK_SPAM = "You are a winner you have been specially selected to receive $1000 cash or a $2000 award.";
    /** The book's second example (not spam). */
    public static final String BOOK_HAM = "Hey, just wanted to check if we're still on for dinner tonight? Let me know!";

    /**
     * The command's settings.
     *
     * @param checkpoint the checkpoint written by {@code finetune-classifier}
     * @param text the text to classify, or null for the book's two examples
     */
    public record Settings(Path checkpoint, String text) {
    }

    private Classify() {
    }

    static final Options.Spec OPTIONS = new Options.Spec("classify", "[OPTIONS]", "Classify a text as spam or not spam with a fine-tuned classifier.")
            .path("--checkpoint", "DIR", Path.of("runs", "classifier", "checkpoint").toString(), "checkpoint folder written by finetune-classifier")
            .text("--text", "TEXT", null, "the text to classify (default: the book's two examples)");

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        if (o.given("--text") && o.text("--text").isBlank()) throw new UsageException("classify: --text needs a non-empty text");
        return new Settings(o.path("--checkpoint"), o.text("--text"));
    }

    /**
     * Prints {@code label <- "text"} for each text; returns the labels.
     *
     * @param s the settings
     * @param out where to print
     * @return the labels, one per text
     * @throws IOException if the checkpoint cannot be read
     */
    public static List<String> run(Settings s, PrintStream out) throws IOException {
        GPTModel model = ModelSource.loadFineTuned(s.checkpoint(), "classifier");
        Map<String, String> extra = ModelSource.extra(s.checkpoint());
        int maxLength = Integer.parseInt(extra.getOrDefault("max_length", "120"));
        int pad = Integer.parseInt(extra.getOrDefault("pad_token_id", "50256"));
        int tokenIndex = Integer.parseInt(extra.getOrDefault("token_index", "-1"));
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        List<String> texts = s.text() != null ? List.of(s.text()) : List.of(BOOK_SPAM, BOOK_HAM);
        List<String> labels = new ArrayList<>();
        for (String t : texts) {
            String label = Classification.classifyReview(t, model, tokenizer, maxLength, pad, tokenIndex) == 1 ? "spam" : "not spam";
            labels.add(label);
            out.println(label + " <- \"" + t + "\"");
        }
        return labels;
    }
}

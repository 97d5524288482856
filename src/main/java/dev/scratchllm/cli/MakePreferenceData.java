package dev.scratchllm.cli;

import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.finetune.OllamaClient;
import dev.scratchllm.finetune.PreferenceData;
import dev.scratchllm.finetune.PreferenceEntry;
import dev.scratchllm.finetune.PreferenceGeneration;
import dev.scratchllm.train.ProgressBar;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code make-preference-data}: the DPO bonus's create-preference-data-ollama notebook — asks an
 * Ollama-compatible server ({@code --url}, default Ollama's; our own {@code serve} works too) to
 * rewrite each response of chapter 7's instruction data more politely or less politely, and
 * writes the pairs in the format of {@code instruction-data-with-preference.json}.
 */
public final class MakePreferenceData {
    /**
     * The command's settings.
     *
     * @param data the instruction data file, or null for the book's
     * @param url the server's chat endpoint
     * @param model the server's model
     * @param limit rewrite at most this many entries, or null for all
     * @param seed the seed of the polite/impolite choices
     * @param out the file to write
     */
    public record Settings(Path data, URI url, String model, Integer limit, long seed, Path out) {
    }

    static final Options.Spec OPTIONS = new Options.Spec("make-preference-data", "[OPTIONS]",
            "Chapter 7 bonus: a local LLM (Ollama's API) rewrites each response politely or impolitely into preference pairs.")
            .text("--url", "URL", OllamaClient.DEFAULT_URL.toString(), "the server's chat endpoint (Ollama's, or scratchllm serve's /api/chat)")
            .text("--model", "NAME", "llama3.1:70b", "the server's model")
            .path("--data", "FILE", null, "the instruction data (default: the book's instruction-data.json)")
            .integer("--limit", "N", null, 1, Integer.MAX_VALUE, "rewrite at most N entries (default: all)")
            .longValue("--seed", "N", 123, "seed of the polite/impolite choices")
            .path("--out", "FILE", Path.of("runs", "preference", PreferenceData.FILE).toString(), "the file to write");

    private MakePreferenceData() {
    }

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        URI url;
        try {
            url = URI.create(o.text("--url"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("make-preference-data: --url is not a valid address: " + e.getMessage());
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()))
            throw new UsageException("make-preference-data: --url must be an http(s) address such as " + OllamaClient.DEFAULT_URL + ", got " + url);
        return new Settings(o.path("--data"), url, o.text("--model"), o.optionalInteger("--limit"), o.longValue("--seed"), o.path("--out"));
    }

    /**
     * Runs the command.
     *
     * @param s the settings
     * @param out where to print progress
     * @return the pairs written
     * @throws IOException if the data cannot be read, the server fails, or the file cannot be written
     */
    public static List<PreferenceEntry> run(Settings s, PrintStream out) throws IOException {
        List<InstructionEntry> data = s.data() == null ? InstructionData.load() : InstructionData.load(s.data());
        if (s.limit() != null) data = data.subList(0, Math.min(s.limit(), data.size()));
        OllamaClient client = new OllamaClient(s.url(), Duration.ofMinutes(2));
        if (!client.isRunning()) throw new IOException(client.notRunningMessage().replace("skipping the evaluation with an LLM judge", "cannot write preference data"));
        out.printf("Rewriting %d responses with %s at %s%n", data.size(), s.model(), s.url());
        ProgressBar bar = new ProgressBar(out, "Writing entries", data.size(), System.console() != null);
        List<PreferenceEntry> pairs = PreferenceGeneration.generate(data, client, s.model(), s.seed(), done -> bar.step(""));
        bar.finish();
        PreferenceData.write(s.out(), pairs);
        out.println("Preference data: " + s.out().toAbsolutePath() + " (" + pairs.size() + " entries)");
        return pairs;
    }
}

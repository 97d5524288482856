/*
 * Convert: the "convert" command: load a GPT-2 model (a catalog name or Hugging Face folder, a
 * GPT-2 model.safetensors, or a pretrain checkpoint), convert its matrices to the weight format
 * asked for (float32, bfloat16, Q8_0), and save them with infer.GPTInferenceFile, so that
 * generate, chat and serve can load them with --inference FILE: no float32 copy, no conversion
 * at start-up, a file of 2 (BF16) or 1.125 (Q8_0) bytes per matrix weight.
 *
 * It does not convert Llama or Qwen (their Hugging Face folders load in any format directly) or
 * the fine-tuned checkpoints of chapters 6 and 7; it never overwrites a file.
 */
package dev.scratchllm.cli;

import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.infer.GPTInference;
import dev.scratchllm.infer.GPTInferenceFile;
import dev.scratchllm.infer.WeightFormat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code convert (--model NAME [--weights DIR] | --weights DIR | --gpt2 FILE|NAME | --checkpoint DIR) --weights-format F --out FILE}. */
public final class Convert {
    /**
     * The command's settings: exactly one source is set.
     *
     * @param model a catalog model or Hugging Face folder ({@code --model}/{@code --weights}), or null
     * @param gpt2 a GPT-2 {@code model.safetensors} file or size name, or null
     * @param checkpoint a checkpoint folder written by {@code pretrain}, or null
     * @param format the weight format to store
     * @param out the file to write (must not exist)
     */
    public record Settings(ModelCatalog.Request model, String gpt2, Path checkpoint, WeightFormat format, Path out) {
    }

    private Convert() {
    }

    static final Options.Spec OPTIONS = ModelCatalog.modelSourceOptions(new Options.Spec("convert", "SOURCE --weights-format F --out FILE",
            "Save a GPT-2 model's weights in a decoding format (f32, bf16, q8_0) for generate, chat and serve --inference FILE.")
            .text("--gpt2", "FILE|NAME", null, "GPT-2 weights: a model.safetensors file or gpt2, gpt2-medium, gpt2-large, gpt2-xl")
            .path("--checkpoint", "DIR", null, "a checkpoint folder written by pretrain"))
            .path("--out", "FILE", null, "the file to write (required; an existing file is not overwritten)");

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        int sources = (o.given("--model") || o.given("--weights") ? 1 : 0) + (o.given("--gpt2") ? 1 : 0) + (o.given("--checkpoint") ? 1 : 0);
        if (sources != 1) throw new UsageException("convert: give one source: --model NAME (or --weights DIR), --gpt2 FILE|NAME, or --checkpoint DIR");
        if (o.given("--context")) throw new UsageException("convert: --context applies to Llama and Qwen; GPT-2 keeps its own context");
        if (!o.given("--out")) throw new UsageException("convert: --out FILE is required (the file to write)");
        ModelCatalog.Request request = ModelCatalog.request(o, false);
        ModelCatalog.Request model = o.given("--model") || o.given("--weights") ? request : null;
        return new Settings(model, o.text("--gpt2"), o.given("--checkpoint") ? o.path("--checkpoint") : null, request.format(), o.path("--out"));
    }

    /**
     * Loads the model, converts it and writes the file atomically; prints what was written.
     *
     * @param s the settings
     * @param out where to print
     * @return the file's size in bytes
     * @throws IOException if the model cannot be read or the file cannot be written
     */
    public static long run(Settings s, PrintStream out) throws IOException {
        if (Files.exists(s.out())) throw new IOException(s.out() + " exists; convert does not overwrite: remove it or give another --out");
        Path dir = s.out().toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new IOException(dir + ": no such folder for --out " + s.out());
        if (s.checkpoint() != null) {
            String task = ModelSource.extra(s.checkpoint()).get("task");
            if (task != null && !"pretrain".equals(task))        // its prompt style and head would not survive the file
                throw new IOException(s.checkpoint() + ": a checkpoint of task \"" + task + "\"; convert writes pretraining checkpoints and GPT-2 weights"
                        + " (run this one with --checkpoint)");
        }
        GPTModel model = s.model() != null ? ModelCatalog.gpt2Model(s.model())
                : s.gpt2() != null ? Generate.loadGpt2(s.gpt2(), out) : Generate.loadCheckpoint(s.checkpoint());
        model.eval();
        GPTInference inf = new GPTInference(model, s.format(), 1, model.config().contextLength());
        long size = GPTInferenceFile.save(inf, s.out());
        out.printf(Locale.ROOT, "Wrote %s: %s weights of a GPT-2 model (%,d parameters, context %d), %,.1f MB; run it with --inference %s%n",
                s.out(), s.format().name().toLowerCase(Locale.ROOT), inf.parameterCount(), model.config().contextLength(), size / 1e6, s.out());
        return size;
    }
}

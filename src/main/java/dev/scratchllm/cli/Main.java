package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.appendixa.NeuralNetwork;
import dev.scratchllm.appendixa.ToyDataset;
import dev.scratchllm.appendixa.ToyTraining;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The command line. Its main job ({@code pretrain}, the default) is chapter 5's pretraining run;
 * {@code toy} is appendix A.7's small network trained with SGD on the book's toy data. Every
 * command answers {@code --help}; a mistake prints one line and exits with status 2 (usage) or 1
 * (failed work); {@code --debug} anywhere adds the stack trace.
 */
public final class Main {
    private Main() {
    }

    /** The exit status of a usage mistake (an unknown option, a bad value). */
    static final int USAGE = 2;
    /** The exit status of failed work (a file that cannot be read, a training failure). */
    static final int FAILED = 1;

    /** A command's work: parse its options (throwing {@link UsageException}), then run. */
    private interface Runner {
        void run(List<String> args, PrintStream out) throws IOException;
    }

    private record Command(String name, String summary, Runner runner) {
    }

    /** The commands, in the order {@code help} lists them; a new command is one line here. */
    private static final List<Command> COMMANDS = List.of(
            new Command("pretrain", "chapter 5: pretrain GPT-124M (context 256) on the-verdict (the default command)",
                    Pretrain::command),
            new Command("generate", "continue a prompt with a pretrained checkpoint, GPT-2's weights, or a catalog model (--model, --weights)",
                    (a, out) -> Generate.run(Generate.parse(a), out)),
            new Command("chat", "chat on the command line with Llama 3.2, Qwen3, GPT-2 or an instruction checkpoint (streamed replies)",
                    (a, out) -> Chat.run(Chat.parse(a), System.in, out)),
            new Command("finetune-classifier", "chapter 6: fine-tune a spam classifier",
                    (a, out) -> FinetuneClassifier.run(FinetuneClassifier.parse(a), out)),
            new Command("classify", "classify a text as spam or not spam with a fine-tuned classifier",
                    (a, out) -> Classify.run(Classify.parse(a), out)),
            new Command("finetune-instructions", "chapter 7: instruction fine-tuning, test-set responses, Ollama scoring",
                    (a, out) -> FinetuneInstructions.run(FinetuneInstructions.parse(a), out)),
            new Command("respond", "answer an instruction with a fine-tuned instruction model",
                    (a, out) -> Respond.run(Respond.parse(a), out)),
            new Command("finetune-dpo", "chapter 7 bonus: preference tuning with DPO of an instruction-tuned model",
                    (a, out) -> FinetuneDpo.run(FinetuneDpo.parse(a), out)),
            new Command("make-preference-data", "chapter 7 bonus: preference pairs written by a local LLM (Ollama's API)",
                    (a, out) -> MakePreferenceData.run(MakePreferenceData.parse(a), out)),
            new Command("convert", "save a GPT-2 model's weights in a decoding format (f32, bf16, q8_0) for --inference FILE",
                    (a, out) -> Convert.run(Convert.parse(a), out)),
            new Command("serve", "serve the model over OpenAI- and Ollama-compatible HTTP APIs, with a chat page at /",
                    (a, out) -> Serve.run(Serve.parse(a), out)),
            new Command("toy", "appendix A.7: train NeuralNetwork(2, 2) with SGD on the toy data set", Main::toy),
            new Command("help", "list the commands, or print one command's options (help COMMAND)", Main::help));

    /**
     * Runs a command (see {@link #run}) and exits with its status when that is not 0.
     *
     * @param args the command, then its options
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) System.exit(status);
    }

    /**
     * Runs a command: {@code pretrain} (the default, also when the first argument is an option),
     * {@code generate}, {@code chat}, {@code finetune-classifier}, {@code classify}, {@code finetune-instructions},
     * {@code respond}, {@code toy} or {@code help}. {@code COMMAND --help} prints the command's
     * options; {@code --debug} anywhere adds stack traces to errors.
     *
     * @param args the command, then its options
     * @param out where the command prints its results and help
     * @param err where errors go: one line each
     * @return the exit status: 0 done, 1 failed work, 2 a usage mistake
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean debug = rest.removeIf("--debug"::equals);
        String name = rest.isEmpty() || (rest.get(0).startsWith("-") && !isHelp(rest.get(0))) ? "pretrain" : rest.remove(0);
        if (isHelp(name)) name = "help";
        Command cmd = command(name);
        if (cmd == null) {
            err.println("scratchllm: unknown command '" + name + "'; the commands are " + names() + " (scratchllm help lists them)");
            return USAGE;
        }
        try {
            cmd.runner().run(rest, out);
            return 0;
        } catch (Options.HelpRequested h) {
            out.print(h.help());
            return 0;
        } catch (Throwable t) { // every failure ends here as one line, with the stack trace only when asked for
            if (debug) t.printStackTrace(err);
            err.println("scratchllm: " + oneLine(describe(cmd.name(), t, debug)));
            return t instanceof UsageException ? USAGE : FAILED;
        }
    }

    private static boolean isHelp(String a) {
        return a.equals("-h") || a.equals("--help");
    }

    private static Command command(String name) {
        for (Command c : COMMANDS) if (c.name().equals(name)) return c;
        return null;
    }

    private static String names() {
        return String.join(", ", COMMANDS.stream().map(Command::name).toList());
    }

    /**
     * What went wrong, for a person: the message of the errors the commands raise on purpose, the
     * file and the reason for file-system errors (whose own message is often just the path), the
     * heap limit for out-of-memory, and the type for anything unexpected.
     */
    static String describe(String command, Throwable t, boolean debug) {
        Throwable e = t instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : t;
        String m = e.getMessage();
        if (e instanceof OutOfMemoryError)
            return command + ": out of memory: the Java heap limit is " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB (-Xmx); use a smaller model, batch or context, or a larger -Xmx";
        if (e instanceof java.nio.file.NoSuchFileException f) return f.getFile() + ": no such file or folder";
        if (e instanceof java.nio.file.AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof java.nio.file.NotDirectoryException f) return f.getFile() + ": not a folder";
        if (e instanceof java.nio.file.FileAlreadyExistsException f) return f.getFile() + ": already exists (and is in the way)";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null)
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + f.getReason();
        boolean expected = e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException || e instanceof dev.scratchllm.data.MissingDataFileException;
        if (expected && m != null && !m.isBlank()) return m;
        return command + ": failed with " + e.getClass().getName() + (m == null ? "" : ": " + m)
                + (debug ? "" : " (an internal error; run again with --debug for the stack trace, and please report it)");
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static final Options.Spec TOY = new Options.Spec("toy", "", "Appendix A.7: train NeuralNetwork(2, 2) with SGD on the toy data set.");

    private static void help(List<String> args, PrintStream out) throws IOException {
        if (args.size() == 1 && !isHelp(args.get(0))) {
            Command c = command(args.get(0));
            if (c == null) throw new UsageException("help: unknown command '" + args.get(0) + "'; the commands are " + names());
            c.runner().run(List.of("--help"), out);
            return;
        }
        if (args.size() > 1) throw new UsageException("help: expected at most one command name, got " + String.join(" ", args));
        out.println("usage: scratchllm COMMAND [OPTIONS]        (scratchllm is: mvn -q compile exec:exec -Dargs=\"COMMAND OPTIONS\",");
        out.println("                                            or java --add-modules jdk.incubator.vector -cp target/classes dev.scratchllm.cli.Main)");
        out.println("commands:");
        int width = COMMANDS.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Command c : COMMANDS) out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", c.name(), c.summary());
        out.println("scratchllm COMMAND --help prints a command's options and defaults; --debug (anywhere) adds stack traces to errors.");
        out.println("Exit status: 0 done, 1 failed work (a file, the network, training), 2 a usage mistake (an option or its value).");
    }

    /**
     * Claims a run's output folder ({@link dev.scratchllm.io.FolderLock}) and, before any work,
     * checks that its checkpoint can be replaced, that none of the files the run will write there
     * ({@code outputs}) is a folder (nor a file where a folder is named with a trailing {@code /}),
     * and cleans up what killed saves left there.
     */
    static dev.scratchllm.io.FolderLock claimOutput(Path outDir, String command, PrintStream out, String... outputs) throws IOException {
        var claim = dev.scratchllm.io.FolderLock.acquire(outDir, command);
        try {
            for (String name : outputs) {
                boolean folder = name.endsWith("/");
                Path p = outDir.resolve(folder ? name.substring(0, name.length() - 1) : name);
                if (folder ? Files.exists(p) && !Files.isDirectory(p) : Files.isDirectory(p))
                    throw new IOException(command + ": " + p + " is a " + (folder ? "file" : "folder") + ", but this run writes a "
                            + (folder ? "folder" : "file") + " there; move it away or choose another --out");
            }
            for (String line : dev.scratchllm.io.Checkpoint.prepareSave(outDir.resolve("checkpoint"))) out.println("NOTICE: " + line);
        } catch (IOException | RuntimeException e) {
            claim.close();
            throw e;
        }
        return claim;
    }

    /**
     * Refuses a run whose data give no training or no validation batch: it would "train" on
     * nothing, print NaN losses and overwrite the previous checkpoint.
     */
    static void requireBatches(String command, int trainBatches, int trainItems, int valBatches, int batchSize, String items) {
        if (trainBatches > 0 && valBatches > 0) return;
        throw new IllegalArgumentException(command + ": the data give " + trainBatches + " training and " + valBatches + " validation batches ("
                + trainItems + " training " + items + ", batch size " + batchSize + ", the last incomplete training batch dropped); "
                + "nothing would be trained. Use a larger data file, a larger --train-limit or a smaller --batch");
    }

    /**
     * The start of every training job: sets the kernel threads (capped at the machine's cores,
     * with a warning: more threads than cores only slow the kernels down) and prints the job's
     * banner line (name, JDK, kernel implementation, threads).
     */
    static void startJob(String title, int threads, PrintStream out) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > cores) {
            out.println("WARNING: --threads " + threads + " is more than the " + cores + " cores of this machine; using " + cores);
            threads = cores;
        }
        ScratchLLM.setNumThreads(threads);
        out.printf(Locale.ROOT, "ScratchLLM %s - JDK %s, %s kernels, %d threads%n", title, Runtime.version(), KernelProvider.get().name(), threads);
    }

    private static void toy(List<String> args, PrintStream out) {
        TOY.parse(args);
        out.println("ScratchLLM " + Runtime.version() + ", kernels: " + KernelProvider.get().name() + ", threads: " + ScratchLLM.getNumThreads());
        out.println("Appendix A.7 - a typical training loop (seed 123, SGD lr 0.5, 3 epochs, batch 2)\n");
        ToyTraining.Result r = ToyTraining.run(out);
        NeuralNetwork model = r.model();
        model.eval();
        Tensor outputs;
        try (var g = ScratchLLM.noGrad()) {
            outputs = model.forward(ToyDataset.xTrain());
        }
        out.println("\nLogits on the training set:\n" + outputs);
        out.println("Predictions: " + outputs.argmax(1));
        var train = DataLoader.of(new ToyDataset(ToyDataset.xTrain(), ToyDataset.yTrain()), 2, false, false);
        var test = DataLoader.of(new ToyDataset(ToyDataset.xTest(), ToyDataset.yTest()), 2, false, false);
        out.printf(Locale.ROOT, "Train accuracy: %.2f%nTest accuracy:  %.2f%n", ToyTraining.computeAccuracy(model, train), ToyTraining.computeAccuracy(model, test));
    }
}

package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as a person meets it (issue 22, "messages a person can act on"): every mistake
 * gives one line naming the option or file and what would be valid, exit status 2 for usage and 1
 * for failed work, a stack trace only with --debug; every command answers --help.
 */
class MainTest {
    record Result(int status, String out, String err) {
        /** One line on stderr, no stack trace. */
        Result oneLine() {
            assertThat(err.strip()).as(err).doesNotContain("\n").startsWith("scratchllm: ");
            assertThat(err).doesNotContain("\tat ");
            return this;
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingTextFileIsNamedAndFailsWithStatus1(@TempDir Path tmp) {
        Result r = run("pretrain", "--text", tmp.resolve("nosuch.txt").toString(), "--out", tmp.resolve("out").toString()).oneLine();
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--text " + tmp.resolve("nosuch.txt") + ": no such file");
        Result relative = run("pretrain", "--text", "nosuch.txt", "--out", tmp.resolve("out").toString()).oneLine();
        assertThat(relative.status()).isEqualTo(1);
        assertThat(relative.err()).contains("--text nosuch.txt: no such file").contains("looked for"); // and says where it looked
    }

    @Test
    void aLatin1TextFileIsNamedWithTheOffsetOfItsFirstNonUtf8Byte(@TempDir Path tmp) throws Exception {
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1)); // é is the single byte 0xE9 in Latin-1
        Result r = run("pretrain", "--text", latin1.toString(), "--out", tmp.resolve("out").toString()).oneLine();
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(latin1.toString()).contains("not UTF-8").contains("byte 0xE9 at offset 3").doesNotContain("Input length");
    }

    @Test
    void valuesOutOfRangeAreUsageErrorsNamingTheOptionAndTheValidValues() {
        assertThat(run("pretrain", "--train-ratio", "1.5").oneLine())
                .isEqualTo(new Result(2, "", "scratchllm: pretrain: --train-ratio must be a finite number in (0, 1), got '1.5'" + System.lineSeparator()));
        assertThat(run("pretrain", "--lr", "Infinity").oneLine().err()).contains("--lr must be a finite number > 0, got 'Infinity'");
        assertThat(run("pretrain", "--lr", "NaN").oneLine().status()).isEqualTo(2);
        assertThat(run("generate", "--top-k", "0").oneLine().err()).contains("--top-k must be a whole number from 1 to 50257 or none, got '0'");
        assertThat(run("generate", "--max-tokens", "-3").oneLine().err()).contains("--max-tokens must be a whole number from 1");
        assertThat(run("generate", "--temperature", "-1").oneLine().err()).contains("--temperature must be a finite number >= 0, got '-1'");
        assertThat(run("generate", "--temperature", "NaN").oneLine().err()).contains("--temperature must be a finite number >= 0, got 'NaN'");
        assertThat(run("generate", "--prompt", "").oneLine().err()).contains("generate: --prompt needs a non-empty text");
        assertThat(run("finetune-classifier", "--train-limit", "-1").oneLine().err()).contains("--train-limit must be a whole number from 1");
        assertThat(run("finetune-instructions", "--test-limit", "0").oneLine().err()).contains("--test-limit must be a whole number from 1");
        assertThat(run("pretrain", "--threads", "0").oneLine().err()).contains("--threads must be a whole number from 1");
        assertThat(run("pretrain", "--epochs", "ten").oneLine().err()).contains("--epochs must be a whole number from 1 to 1000000, got 'ten'");
        assertThat(run("pretrain", "--epochs").oneLine().err()).contains("option --epochs needs a value (N)");
        assertThat(run("pretrain", "--speed", "1").oneLine().err()).contains("unknown option --speed (scratchllm pretrain --help lists the options)");
        assertThat(run("respond").oneLine().err()).contains("respond: --instruction TEXT is required");
        for (Result r : List.of(run("generate", "--top-k", "0"), run("respond"), run("pretrain", "--speed", "1"))) assertThat(r.status()).isEqualTo(2);
    }

    @Test
    void modelsTooLargeForAJavaArrayOrThisHeapAreRefusedSayingTheLimit() {
        Result emb = run("pretrain", "--emb-dim", "1000000").oneLine();
        assertThat(emb.status()).isEqualTo(2);
        // 50,257 x 1,000,000 values; (2^31 - 1) / 50,257 = 42,730.03
        assertThat(emb.err()).contains("--emb-dim 1000000 makes a token embedding of 50,257 x 1,000,000 = 50,257,000,000 values")
                .contains("at most 2,147,483,647").contains("--emb-dim can be at most 42,730");
        Result layers = run("pretrain", "--layers", "100000").oneLine();
        assertThat(layers.status()).isEqualTo(2);
        assertThat(layers.err()).contains("100000 layers").contains("heap limit of").contains("(-Xmx)").contains("lower --layers");
        assertThat(run("pretrain", "--emb-dim", "100", "--heads", "3").oneLine().err()).contains("--emb-dim 100 must be a multiple of --heads 3");
        assertThat(run("finetune-classifier", "--layers", "100000").oneLine().status()).isEqualTo(2);
    }

    @Test
    void optionsThatContradictEachOtherAreRefused() {
        assertThat(run("generate", "--gpt2", "gpt2", "--checkpoint", "x").oneLine().err()).contains("give --gpt2 or --checkpoint, not both");
        assertThat(run("finetune-instructions", "--gpt2", "gpt2", "--emb-dim", "64").oneLine().err())
                .contains("--emb-dim sets the size of a new model; a model from --gpt2 or --checkpoint has its own size");
        assertThat(run("finetune-classifier", "--lora-alpha", "4").oneLine().err()).contains("--lora-alpha needs --lora-rank");
        assertThat(run("pretrain", "--epochs", "1", "--epochs", "2").oneLine().err()).contains("--epochs is given twice");
    }

    @Test
    void aFileWhereAFolderIsExpectedIsReportedBeforeTraining(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        Result r = run("pretrain", "--out", file.toString(), "--emb-dim", "16", "--layers", "1", "--heads", "2", "--context", "16").oneLine();
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(file + " is a file, not a folder");
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("loss-plot.png"));
        Result plot = run("pretrain", "--out", out.toString(), "--emb-dim", "16", "--layers", "1", "--heads", "2", "--context", "16").oneLine();
        assertThat(plot.status()).isEqualTo(1);
        assertThat(plot.err()).contains(out.resolve("loss-plot.png") + " is a folder, but this run writes a file there");
        assertThat(plot.out()).doesNotContain("ScratchLLM pretraining"); // refused before the job started
        Files.writeString(Files.createDirectories(tmp.resolve("cls")).resolve("data"), "x");
        Result data = run("finetune-classifier", "--out", tmp.resolve("cls").toString(), "--emb-dim", "16", "--layers", "1", "--heads", "2").oneLine();
        assertThat(data.err()).contains(tmp.resolve("cls").resolve("data") + " is a file, but this run writes a folder there");
        for (String command : List.of("generate", "classify")) {
            Result ckpt = run(command, "--checkpoint", file.toString()).oneLine();
            assertThat(ckpt.status()).isEqualTo(1);
            assertThat(ckpt.err()).contains(file + " is a file; --checkpoint expects").contains("checkpoint folder");
        }
    }

    @Test
    void moreThreadsThanCoresAreCappedWithAWarning() {
        int cores = Runtime.getRuntime().availableProcessors(), before = ScratchLLM.getNumThreads();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            Main.startJob("test", cores + 3, new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertThat(ScratchLLM.getNumThreads()).isEqualTo(cores);
        } finally {
            ScratchLLM.setNumThreads(before);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("WARNING: --threads " + (cores + 3) + " is more than the " + cores
                + " cores of this machine; using " + cores).contains(cores + " threads");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pretrain", "generate", "finetune-classifier", "classify", "finetune-instructions", "respond", "toy"})
    void everyCommandAnswersHelpWithItsOptionsAndDefaults(String command) {
        for (String flag : List.of("--help", "-h")) {
            Result r = run(command, flag);
            assertThat(r.status()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).startsWith("usage: scratchllm " + command).contains("--debug").contains("-h, --help");
        }
        // after other options too, and through "help COMMAND"
        assertThat(run(command, "--debug", "--help").out()).isEqualTo(run(command, "--help").out());
        assertThat(run("help", command).out()).isEqualTo(run(command, "--help").out());
    }

    @Test
    void helpShowsTheDefaultsTheParserUses() {
        String help = run("pretrain", "--help").out();
        var d = Pretrain.Settings.defaults();
        assertThat(help).contains("--lr X ").contains("(default 0.0004; a finite number > 0)").contains("--epochs N").contains("(default " + d.epochs() + ";")
                .contains("--train-ratio X").contains("(default 0.9; a finite number in (0, 1))");
        assertThat(run("generate", "--help").out()).contains("--max-new-tokens, --max-tokens N").contains("(default 25;")
                .contains("--top-k K").contains("or none)");
    }

    @Test
    void toyRejectsOptionsAndHelpListsTheCommands() {
        Result toy = run("toy", "--epochs", "3").oneLine();
        assertThat(toy.status()).isEqualTo(2);
        assertThat(toy.err()).contains("toy: unknown option --epochs (it takes no options)");
        for (String h : List.of("help", "--help", "-h")) {
            Result r = run(h);
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("commands:").contains("  pretrain ").contains("  generate ").contains("  finetune-classifier ")
                    .contains("  classify ").contains("  finetune-instructions ").contains("  respond ").contains("  toy ").contains("Exit status:");
        }
        Result unknown = run("pretrian").oneLine();
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'pretrian'; the commands are pretrain, generate");
        assertThat(run("help", "nosuch").oneLine().status()).isEqualTo(2);
    }

    @Test
    void oneNameForTheTokenLimitWithTheOtherAsAlias() {
        assertThat(Generate.parse(List.of("--max-tokens", "7")).maxNewTokens()).isEqualTo(7);
        assertThat(Generate.parse(List.of("--max-new-tokens", "7")).maxNewTokens()).isEqualTo(7);
        assertThat(Respond.parse(List.of("--instruction", "x", "--max-tokens", "9")).maxNewTokens()).isEqualTo(9);
        assertThat(FinetuneInstructions.parse(List.of("--max-tokens", "11")).maxNewTokens()).isEqualTo(11);
        assertThat(run("generate", "--max-tokens", "1", "--max-new-tokens", "2").oneLine().err()).contains("--max-new-tokens is given twice");
    }

    @Test
    void stackTracesOnlyWithDebug(@TempDir Path tmp) {
        String[] failing = {"generate", "--checkpoint", tmp.toString()};
        Result plain = run(failing).oneLine();
        assertThat(plain.status()).isEqualTo(1);
        assertThat(plain.err()).contains(tmp + ": no checkpoint here");
        Result debug = run("generate", "--debug", "--checkpoint", tmp.toString());
        assertThat(debug.status()).isEqualTo(1);
        assertThat(debug.err()).contains("\tat dev.scratchllm.cli.Generate").endsWith("scratchllm: " + tmp + ": no checkpoint here (run 'pretrain' first, or pass --checkpoint DIR)"
                + System.lineSeparator());
    }

    @Test
    void unexpectedErrorsAndOutOfMemorySayWhatHappenedInOneLine() {
        assertThat(Main.describe("generate", new NullPointerException("x is null"), false))
                .isEqualTo("generate: failed with java.lang.NullPointerException: x is null (an internal error; run again with --debug for the stack trace, and please report it)");
        assertThat(Main.describe("pretrain", new OutOfMemoryError("Java heap space"), false))
                .startsWith("pretrain: out of memory: the Java heap limit is ").endsWith(" MiB (-Xmx); use a smaller model, batch or context, or a larger -Xmx");
        assertThat(Main.describe("x", new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("a/b.json")), false))
                .isEqualTo("a/b.json: no such file or folder");
        assertThat(Main.describe("x", new java.nio.file.AccessDeniedException("a/b.json"), false)).isEqualTo("a/b.json: permission denied");
    }

    @Test
    void anInstructionFileWithTooFewEntriesIsRefusedNamingTheFile(@TempDir Path tmp) throws Exception {
        Path empty = Files.writeString(tmp.resolve("instruction-data.json"), "[]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FinetuneInstructions.loadEntries(empty)).isInstanceOf(java.io.IOException.class)
                .hasMessage(empty + ": 0 instruction entries; the book's 85/10/5 split needs at least 10 for a test and a validation entry (the book's file has 1,100)");
        StringBuilder nine = new StringBuilder("[");
        for (int i = 0; i < 9; i++) nine.append(i == 0 ? "" : ",").append("{\"instruction\": \"i\", \"input\": \"\", \"output\": \"o\"}");
        Path few = Files.writeString(tmp.resolve("nine.json"), nine + "]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FinetuneInstructions.loadEntries(few)).hasMessageContaining("9 instruction entries");
        // the book's split of 10 entries gives 8 / 1 / 1: enough
        Path ten = Files.writeString(tmp.resolve("ten.json"), nine + ",{\"instruction\": \"i\", \"input\": \"\", \"output\": \"o\"}]");
        var split = dev.scratchllm.finetune.InstructionData.split(FinetuneInstructions.loadEntries(ten));
        assertThat(List.of(split.train().size(), split.test().size(), split.validation().size())).containsExactly(8, 1, 1);
    }
}

package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.gpt.Generation;
import dev.scratchllm.io.TextFiles;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Model;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Model;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.TextGeneration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code pretrain --arch llama3|qwen3} through {@link Main#run}: a tiny model (emb 32, 4 heads
 * sharing 2 key/value heads, 1 layer, context 32) trained for one epoch on the first 8,000
 * characters of the-verdict; the loss falls, the checkpoint loads back through
 * {@link ArchModels#load} and continues the prompt exactly as the trained model did (the greedy
 * sample and the seeded top-k sample the run printed), two seeded runs write byte-identical
 * files, and the usage mistakes exit with status 2.
 */
class PretrainArchTest {
    static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+([0-9.]+)\\s+([0-9.]+)\\s*$", Pattern.MULTILINE);

    record Run(int status, String out, String err) {
    }

    static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path slice(Path tmp) throws Exception {
        Path verdict = DataFiles.find("the-verdict.txt").orElseThrow();
        Path slice = tmp.resolve("verdict-slice.txt");
        Files.writeString(slice, TextFiles.readUtf8(verdict).substring(0, 8000), StandardCharsets.UTF_8);
        return slice;
    }

    static Run pretrain(String arch, Path text, Path out) {
        return main("pretrain", "--arch", arch, "--text", text.toString(), "--epochs", "1", "--emb-dim", "32", "--heads", "4", "--kv-groups", "2",
                "--hidden-dim", "64", "--layers", "1", "--context", "32", "--eval-freq", "5", "--lr", "0.01", "--out", out.toString(), "--threads", "2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama3", "qwen3"})
    @DisplayName("pretrain --arch trains (the loss falls), checkpoints, loads back with the same outputs, and repeats bit-identically")
    void trainsAndLoadsBack(String arch, @TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find("the-verdict.txt").isPresent(), () -> "skipped: " + DataFiles.describeSearch("the-verdict.txt"));
        Path text = slice(tmp);
        Run r = pretrain(arch, text, tmp.resolve("a"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("Model: " + arch + ", ").contains("4 heads, 2 kv groups, hidden 64, untied head")
                .contains("Ep 1 (Step 000000): Train loss").contains("step   tokens seen   train loss   val loss");

        // the loss table: first and last training loss
        String table = r.out().substring(r.out().indexOf("step   tokens seen"));
        List<Double> train = new ArrayList<>();
        Matcher m = ROW.matcher(table);
        while (m.find()) train.add(Double.parseDouble(m.group(3)));
        assertThat(train).hasSizeGreaterThan(2);
        assertThat(train.get(0)).isGreaterThan(10.0); // about ln(50257) = 10.8 at the start
        assertThat(train.get(train.size() - 1)).as(table).isLessThan(train.get(0) - 2.0);

        Path ckpt = tmp.resolve("a/checkpoint");
        assertThat(ArchModels.recordsArch(ckpt)).isTrue();
        RoPEDecoderModel<?> model = ArchModels.load(ckpt);
        assertThat(model).isInstanceOf(arch.equals("llama3") ? Llama3Model.class : Qwen3Model.class);
        if (model instanceof Llama3Model l)
            assertThat(l.config()).isEqualTo(new Llama3Config(50_257, 32, 32, 4, 1, 64, 2, 500_000.0, null));
        if (model instanceof Qwen3Model q)
            assertThat(q.config()).isEqualTo(Qwen3Config.dense(50_257, 32, 32, 4, 1, 64, 0, true, 2, 1_000_000.0));
        assertThat(model.isTied()).isFalse();

        // the loaded model continues the prompt as the trained one did: the run's last greedy sample (50 tokens) ...
        GPT2Tokenizer tok = GPT2Tokenizer.load();
        Tensor prompt = TextGeneration.textToTokenIds("Every effort moves you", tok);
        String greedy = TextGeneration.tokenIdsToText(Generation.generateTextSimple(model, prompt, 50, 32), tok).replace("\n", " ");
        String printed = r.out().lines().filter(l -> l.startsWith("Every effort moves you")).findFirst().orElseThrow(); // one epoch: one greedy sample, then the sampled one
        assertThat(greedy).isEqualTo(printed);
        // generate --checkpoint runs it on the inference path (RoPEInference): the same greedy text
        java.io.ByteArrayOutputStream gen = new java.io.ByteArrayOutputStream();
        String generated = Generate.run(Generate.parse(List.of("--checkpoint", ckpt.toString(), "--prompt", "Every effort moves you",
                "--temperature", "0", "--max-new-tokens", "50")), new java.io.PrintStream(gen, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(generated.replace("\n", " ")).isEqualTo(greedy);
        assertThat(gen.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Model: checkpoint " + ckpt + " (" + arch + ", ");
        // ... and its seeded sample (temperature 1.4, top-k 25): draws from the whole distribution, so the logits must agree
        ScratchLLM.manualSeed(123);
        String sampled = TextGeneration.tokenIdsToText(TextGeneration.generate(model, prompt, 15, 32, 1.4f, 25, null), tok);
        assertThat(r.out()).contains("Sampled (temperature 1.4, top-k 25):\n" + sampled);

        // a second seeded run in this JVM writes the same files, byte for byte
        Run again = pretrain(arch, text, tmp.resolve("b"));
        assertThat(again.status()).as(again.err()).isZero();
        for (String f : List.of("model.safetensors", "optimizer.safetensors", "rng.bin", "checkpoint.json"))
            assertThat(Files.readAllBytes(tmp.resolve("b/checkpoint").resolve(f))).as(f).isEqualTo(Files.readAllBytes(ckpt.resolve(f)));
    }

    @Test
    @DisplayName("A tied Qwen3 checkpoint loads back tied; bad checkpoints are refused naming the file and the field")
    void tiedAndBadCheckpoints(@TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find("the-verdict.txt").isPresent(), () -> "skipped: " + DataFiles.describeSearch("the-verdict.txt"));
        Path text = tmp.resolve("short.txt");
        Files.writeString(text, TextFiles.readUtf8(DataFiles.find("the-verdict.txt").orElseThrow()).substring(0, 2000), StandardCharsets.UTF_8);
        Run r = main("pretrain", "--arch", "qwen3", "--tie-weights", "--text", text.toString(), "--epochs", "1", "--emb-dim", "16", "--heads", "2",
                "--layers", "1", "--context", "16", "--eval-freq", "100", "--out", tmp.resolve("t").toString(), "--threads", "1");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 heads, 1 kv groups, hidden 64, tied head"); // the defaults: --heads / 2 kv groups, 4 x emb
        RoPEDecoderModel<?> model = ArchModels.load(tmp.resolve("t/checkpoint"));
        assertThat(model.isTied()).isTrue();
        assertThat(model.numParameters()).isEqualTo(Qwen3Model.parameterCounts(((Qwen3Model) model).config())[1]);

        // a copy with a broken field
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        for (String f : List.of("model.safetensors", "checkpoint.json", "rng.bin"))
            Files.copy(tmp.resolve("t/checkpoint").resolve(f), bad.resolve(f));
        String json = Files.readString(bad.resolve("checkpoint.json"));
        bad.resolve("checkpoint.json").toFile().setWritable(true);
        Files.writeString(bad.resolve("checkpoint.json"), json.replace("\\\"n_kv_groups\\\":1", "\\\"n_kv_groups\\\":\\\"one\\\""));
        assertThatThrownBy(() -> ArchModels.load(bad)).hasMessageContaining(bad.resolve("checkpoint.json").toString())
                .hasMessageContaining("extra.qwen3.config").hasMessageContaining("field n_kv_groups");
        Files.writeString(bad.resolve("checkpoint.json"), json.replace("\"arch\":\"qwen3\"", "\"arch\":\"mamba\""));
        assertThatThrownBy(() -> ArchModels.load(bad)).hasMessageContaining("field extra.arch is 'mamba', expected llama3 or qwen3");
        Files.writeString(bad.resolve("checkpoint.json"), json.replace("\"arch\":\"qwen3\",", ""));
        assertThatThrownBy(() -> ArchModels.load(bad)).hasMessageContaining("field extra.arch is missing");
        assertThat(ArchModels.recordsArch(bad)).isFalse();
        assertThatThrownBy(() -> ArchModels.load(tmp)).hasMessageContaining("no checkpoint.json");
    }

    @Test
    @DisplayName("Usage mistakes exit with status 2: an unknown --arch names the choices; options of the other architectures are refused")
    void usageMistakes() {
        Run r = main("pretrain", "--arch", "mamba");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--arch must be one of gpt2, llama3, qwen3, got 'mamba'");
        assertThat(main("pretrain", "--kv-groups", "2").err()).contains("--kv-groups applies to --arch llama3 and qwen3, not gpt2");
        assertThat(main("pretrain", "--arch", "llama3", "--drop-rate", "0.1").err()).contains("--drop-rate applies to --arch gpt2 only");
        Run groups = main("pretrain", "--arch", "qwen3", "--heads", "4", "--n-kv-groups", "3", "--emb-dim", "32");
        assertThat(groups.status()).isEqualTo(2);
        assertThat(groups.err()).contains("--heads 4 must be a multiple of --kv-groups 3");
        assertThat(main("pretrain", "--arch", "llama3", "--heads", "4", "--emb-dim", "36").err()).contains("must be even for RoPE");
        assertThat(main("pretrain", "--help").out()).contains("--arch NAME").contains("gpt2, llama3, qwen3").contains("--kv-groups, --n-kv-groups N")
                .contains("--hidden-dim N").contains("--tie-weights");
    }
}

package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.infer.GPTInference;
import dev.scratchllm.infer.GPTInferenceFile;
import dev.scratchllm.infer.WeightFormat;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.serve.Gpt2Backend;
import dev.scratchllm.serve.TranscriptChatFormat;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code convert} and {@code --inference FILE}: a tiny GPT-2-layout model saved in each format and run again. */
class ConvertTest {
    @TempDir
    static Path dir;
    static Path gpt2File;
    static GPTModel model;

    @BeforeAll
    static void writeModel() throws IOException {
        ScratchLLM.manualSeed(5);
        model = new GPTModel(new GPTConfig(50257, 40, 64, 2, 1, 0.0, true)); // emb 64: rows of two Q8_0 blocks, one GPT-2-sized head
        gpt2File = dir.resolve("model.safetensors");
        Safetensors.write(gpt2File, GPT2Weights.toHuggingFace(model));
        model = GPT2Weights.load(gpt2File); // what the file holds: GPT-2's layout ties the output head to the token embedding
        model.eval();
    }

    private static String run(String command, List<String> args, ByteArrayOutputStream buf) throws IOException {
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        return switch (command) {
            case "convert" -> String.valueOf(Convert.run(Convert.parse(args), out));
            case "generate" -> Generate.run(Generate.parse(args), out);
            default -> throw new IllegalArgumentException(command);
        };
    }

    private static List<String> greedy(String... source) {
        List<String> a = new java.util.ArrayList<>(List.of(source));
        a.addAll(List.of("--prompt", "Every effort moves you", "--max-new-tokens", "12", "--temperature", "0"));
        return a;
    }

    @Test
    @DisplayName("f32: generate --inference FILE continues the prompt exactly as generate --gpt2 does with the source weights")
    void float32RoundTrip() throws IOException {
        Path f = dir.resolve("tiny-f32.safetensors");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long size = Long.parseLong(run("convert", List.of("--gpt2", gpt2File.toString(), "--weights-format", "f32", "--out", f.toString()), buf));
        assertThat(Files.size(f)).isEqualTo(size);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("Wrote " + f + ": f32 weights").contains(String.format("%,d parameters", model.numParameters()));
        String want = run("generate", greedy("--gpt2", gpt2File.toString()), new ByteArrayOutputStream());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(run("generate", greedy("--inference", f.toString()), out)).isEqualTo(want);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Model: tiny-f32 (GPT-2, " + String.format("%,d", model.numParameters()) + " parameters, f32 weights");
    }

    @Test
    @DisplayName("q8_0 and bf16: the file holds 1.125 / 2 bytes per matrix weight and decodes as the in-memory conversion does")
    void quantizedFormats() throws IOException {
        GPT2Tokenizer tok = GPT2Tokenizer.load();
        for (WeightFormat format : List.of(WeightFormat.Q8_0, WeightFormat.BF16)) {
            String name = format.name().toLowerCase(java.util.Locale.ROOT);
            Path f = dir.resolve("tiny-" + name + ".safetensors");
            run("convert", List.of("--gpt2", gpt2File.toString(), "--weights-format", name, "--out", f.toString()), new ByteArrayOutputStream());
            GPTInference loaded = GPTInferenceFile.load(f, 1, 0);
            assertThat(loaded.format()).isEqualTo(format);
            assertThat(loaded.capacity()).isEqualTo(40);
            assertThat(loaded.parameterCount()).isEqualTo(model.numParameters());
            GPTInference inMemory = new GPTInference(model, format, 1, 40);
            assertThat(loaded.weightBytesPerToken()).isEqualTo(inMemory.weightBytesPerToken());
            // the same greedy continuation as the in-memory conversion, through the same backend code
            String want = completion(new Gpt2Backend("m", model, tok, new TranscriptChatFormat(), format), tok);
            String got = run("generate", greedy("--inference", f.toString()), new ByteArrayOutputStream());
            assertThat(got).as(name).isEqualTo("Every effort moves you" + want);
        }
    }

    @Test
    @DisplayName("serve --inference FILE: /v1/completions answers what generate --gpt2 continues with the source weights; the model is named after the file")
    void serveRunsTheFile() throws Exception {
        Path f = dir.resolve("served.safetensors");
        run("convert", List.of("--gpt2", gpt2File.toString(), "--weights-format", "f32", "--out", f.toString()), new ByteArrayOutputStream());
        String want = run("generate", greedy("--gpt2", gpt2File.toString()), new ByteArrayOutputStream()).substring("Every effort moves you".length());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        dev.scratchllm.serve.ChatServer server = Serve.start(Serve.parse(List.of("--inference", f.toString(), "--port", "0", "--threads", "1")),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("Serving 'served'");
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/v1/completions"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"served\",\"prompt\":\"Every effort moves you\",\"max_tokens\":12,\"temperature\":0}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            var choice = (java.util.Map<String, Object>) ((List<Object>) dev.scratchllm.io.Json.parseObject(r.body(), "response").get("choices")).get(0);
            assertThat(choice.get("text")).isEqualTo(want);
        } finally {
            server.shutdown();
        }
    }

    private static String completion(Gpt2Backend backend, GPT2Tokenizer tok) {
        int[] prompt = backend.encode("Every effort moves you");
        var p = dev.scratchllm.serve.SamplingParams.of(12, 0f, null, 1.0, 1f, 123L, List.of());
        return StreamedReply.run(backend, prompt, p, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).text();
    }

    @Test
    @DisplayName("convert refuses a second source, a missing --out, an existing file, --context, Llama and a fine-tuning checkpoint; --inference refuses --model and a wrong file")
    void mistakes() throws IOException {
        Path f = dir.resolve("exists.safetensors");
        Files.writeString(f, "keep me");
        assertThatThrownBy(() -> Convert.parse(List.of("--gpt2", "x", "--checkpoint", "y", "--out", "z")))
                .isInstanceOf(UsageException.class).hasMessageContaining("give one source");
        assertThatThrownBy(() -> Convert.parse(List.of("--gpt2", gpt2File.toString())))
                .isInstanceOf(UsageException.class).hasMessageContaining("--out FILE is required");
        assertThatThrownBy(() -> Convert.parse(List.of("--model", "gpt2-small", "--context", "64", "--out", "z")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--context applies to Llama and Qwen");
        assertThatThrownBy(() -> run("convert", List.of("--gpt2", gpt2File.toString(), "--out", f.toString()), new ByteArrayOutputStream()))
                .isInstanceOf(IOException.class).hasMessageContaining(f + " exists");
        assertThat(Files.readString(f)).isEqualTo("keep me");
        assertThatThrownBy(() -> run("convert", List.of("--model", "llama3.2-1b", "--out", dir.resolve("l.safetensors").toString()), new ByteArrayOutputStream()))
                .isInstanceOf(UsageException.class).hasMessageContaining("convert writes GPT-2 models");
        Path instr = Files.createDirectories(dir.resolve("instructions"));
        java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("task", "instructions");
        extra.put("gpt.config", model.config().toJson());
        dev.scratchllm.io.Checkpoint.save(instr, model, null, 1, 1, extra);
        assertThatThrownBy(() -> run("convert", List.of("--checkpoint", instr.toString(), "--out", dir.resolve("i.safetensors").toString()), new ByteArrayOutputStream()))
                .isInstanceOf(IOException.class).hasMessageContaining("task \"instructions\"");
        assertThat(dir.resolve("i.safetensors")).doesNotExist();
        assertThatThrownBy(() -> Generate.parse(greedy("--inference", "a.safetensors", "--model", "gpt2-small")))
                .isInstanceOf(UsageException.class).hasMessageContaining("leave out --model");
        assertThatThrownBy(() -> Generate.parse(greedy("--inference", "a.safetensors", "--weights-format", "q8_0")))
                .isInstanceOf(UsageException.class).hasMessageContaining("leave out --weights-format");
        // GPT-2's own file is not one that convert writes: the error names the file and the field
        assertThatThrownBy(() -> run("generate", greedy("--inference", gpt2File.toString()), new ByteArrayOutputStream()))
                .isInstanceOf(IOException.class).hasMessageContaining(gpt2File.toString()).hasMessageContaining("__metadata__.format");
        assertThatThrownBy(() -> run("generate", greedy("--inference", dir.resolve("none.safetensors").toString()), new ByteArrayOutputStream()))
                .isInstanceOf(IOException.class).hasMessageContaining("no such file");
    }
}

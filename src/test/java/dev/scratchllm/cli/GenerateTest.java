package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateTest {
    @Test
    void generatesFromAGpt2LayoutFile(@TempDir Path tmp) throws Exception {
        ScratchLLM.manualSeed(9);
        GPTModel m = new GPTModel(new GPTConfig(50257, 32, 64, 1, 1, 0.0, true)); // emb 64: one GPT-2-sized head
        Path file = tmp.resolve("model.safetensors");
        Safetensors.write(file, GPT2Weights.toHuggingFace(m));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String text = Generate.run(Generate.parse(List.of("--gpt2", file.toString(), "--prompt", "Hello", "--max-tokens", "4", "--temperature", "0")),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(text).startsWith("Hello");
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("Loaded GPT-2 weights");
    }

    @Test
    @org.junit.jupiter.api.DisplayName("generate (inference path, streamed) with a seed = torch.manual_seed(seed) + the book's generate, and = --book; top-k on and off")
    void seededInferencePathEqualsTheBook(@TempDir Path tmp) throws Exception {
        ScratchLLM.manualSeed(21);
        GPTModel m = new GPTModel(new GPTConfig(50257, 48, 128, 2, 2, 0.0, true)); // emb 128 (2 heads of 64), context 48
        Path file = tmp.resolve("model.safetensors");
        Safetensors.write(file, GPT2Weights.toHuggingFace(m));
        m.eval();
        dev.scratchllm.tokenizer.GPT2Tokenizer tok = dev.scratchllm.tokenizer.GPT2Tokenizer.load();
        for (String topK : new String[] {"25", "none"}) {
            for (String seed : new String[] {"123", "7"}) {
                // 60 new tokens after a 5-token prompt run past the context of 48 (the window slides)
                List<String> args = List.of("--gpt2", file.toString(), "--prompt", "Every effort moves you", "--max-new-tokens", "60",
                        "--temperature", "1.4", "--top-k", topK, "--seed", seed);
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                String got = Generate.run(Generate.parse(args), new PrintStream(buf, true, StandardCharsets.UTF_8));
                ScratchLLM.manualSeed(Long.parseLong(seed));
                String want = dev.scratchllm.train.TextGeneration.tokenIdsToText(dev.scratchllm.train.TextGeneration.generate(m,
                        dev.scratchllm.train.TextGeneration.textToTokenIds("Every effort moves you", tok), 60, 48, 1.4f,
                        topK.equals("none") ? null : 25, (long) tok.eotToken()), tok);
                assertThat(got).as("top-k %s seed %s", topK, seed).isEqualTo(want);
                assertThat(buf.toString(StandardCharsets.UTF_8)).contains(want);
                List<String> book = new java.util.ArrayList<>(args);
                book.add("--book");
                assertThat(Generate.run(Generate.parse(book), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isEqualTo(want);
            }
        }
    }
}

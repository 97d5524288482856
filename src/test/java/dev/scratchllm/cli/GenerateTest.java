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
}

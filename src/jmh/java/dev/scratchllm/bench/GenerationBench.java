package dev.scratchllm.bench;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.TextGeneration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Greedy decoding of 50 new tokens after a 200-token prompt, with and without the KV cache
 * (the book's bonus comparison). {@code model=124m} is GPT-2 small with context 256 (seconds per
 * operation); {@code model=small} a 4-layer model for quick runs. Tokens/s = 50 / (s/op).
 * Run: {@code mvn -q test-compile exec:exec@bench -Djmh.args="GenerationBench -p model=124m"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GenerationBench {
    @Param({"small"})
    public String model;

    @Param({"true", "false"})
    public boolean kvCache;

    GPTModel gpt;
    Tensor prompt;

    @Setup
    public void setup() {
        ScratchLLM.manualSeed(123);
        GPTConfig cfg = model.equals("124m") ? GPTConfig.GPT_CONFIG_124M.withContextLength(256)
                : new GPTConfig(50257, 256, 256, 4, 4, 0.1, false);
        gpt = new GPTModel(cfg);
        gpt.eval();
        prompt = ScratchLLM.randint(0, 50257, 1, 200);
    }

    @Benchmark
    public Tensor generate50() {
        return TextGeneration.generate(gpt, prompt, 50, 256, 0f, null, null, kvCache);
    }
}

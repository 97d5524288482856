package dev.scratchllm.gpt;

import dev.scratchllm.nn.Functional;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.randint;

/**
 * The program {@link JitDeterminismTest} runs in a fresh JVM: one seeded GPT forward pass and
 * training step while the JIT has compiled nothing yet, the same again many times (so that C2
 * compiles the kernels), then once more; it prints how many of the values differ between the
 * first run and the last.
 *
 * <p>One run builds a small model from a seed (sizes chosen to hit vector tails: 72 = 4·16 + 8
 * features, head size 18, 97 classes), computes its logits, the cross-entropy loss, every
 * parameter's gradient, one AdamW update, and the logits after the update, with dropout on.
 * Output: {@code values=N differ=D maxAbs=M firstAt=I}.
 */
public final class JitWarmupProbe {

    static final GPTConfig CFG = new GPTConfig(97, 24, 72, 4, 2, 0.1, false);

    private JitWarmupProbe() {
    }

    /** One seeded run; every value it computes, in one array. */
    static float[] oneRun() {
        manualSeed(7);
        GPTModel model = new GPTModel(CFG);
        Tensor ids = randint(0, CFG.vocabSize(), 2, 20), targets = randint(0, CFG.vocabSize(), 2, 20);
        List<float[]> parts = new ArrayList<>();
        Tensor logits = model.forward(ids); // (2, 20, 97), dropout active
        parts.add(logits.toFloatArray());
        Tensor loss = Functional.crossEntropy(logits.flatten(0, 1), targets.flatten());
        parts.add(loss.toFloatArray());
        loss.backward();
        for (Tensor p : model.parameters()) parts.add(p.grad().toFloatArray());
        new AdamW(model.parameters(), 4e-4, 0.1).step();
        for (Tensor p : model.parameters()) parts.add(p.toFloatArray());
        model.eval();
        parts.add(model.forward(ids).toFloatArray());
        int n = 0;
        for (float[] a : parts) n += a.length;
        float[] all = new float[n];
        int o = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, all, o, a.length);
            o += a.length;
        }
        return all;
    }

    /**
     * Runs the probe.
     *
     * @param args the number of warm-up runs between the first and the last (default 300)
     */
    public static void main(String[] args) {
        int warm = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        float[] cold = oneRun();
        for (int i = 0; i < warm; i++) oneRun();
        float[] hot = oneRun();
        int differ = 0, first = -1;
        double maxAbs = 0;
        for (int i = 0; i < cold.length; i++) {
            if (Float.floatToRawIntBits(cold[i]) == Float.floatToRawIntBits(hot[i])) continue;
            differ++;
            maxAbs = Math.max(maxAbs, Math.abs((double) cold[i] - hot[i]));
            if (first < 0) first = i;
        }
        System.out.printf(Locale.ROOT, "values=%d differ=%d maxAbs=%.3g firstAt=%d%n", cold.length, differ, maxAbs, first);
    }
}

package dev.scratchllm.book;

import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.GPTDatasetV1;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.optim.GradClip;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Appendix D, "Adding bells and whistles to the training loop", on the chapter-5 data with a small GPT. */
@DisplayName("Appendix D: learning-rate warm-up, cosine decay, gradient clipping")
class AppendixDTest {
    static final GPTConfig SMALL = new GPTConfig(50257, 256, 32, 2, 1, 0.1, false);

    static DataLoader<Tensor[], Tensor[]>[] loaders() {
        assumeTrue(DataFiles.find("the-verdict.txt").isPresent(), () -> "skipped: " + DataFiles.describeSearch("the-verdict.txt"));
        String text = DataFiles.readString("the-verdict.txt");
        int split = (int) (0.90 * text.length());
        @SuppressWarnings("unchecked")
        DataLoader<Tensor[], Tensor[]>[] l = new DataLoader[] {
                GPTDatasetV1.createDataloaderV1(text.substring(0, split), 2, 256, 256, true, true),
                GPTDatasetV1.createDataloaderV1(text.substring(split), 2, 256, 256, false, false)};
        return l;
    }

    @Test
    @DisplayName("D.1 and D.2: 15 epochs of 9 batches, 27 warm-up steps from 1e-4 to 0.01, cosine down to 1e-5")
    void warmupAndCosineDecay() {
        DataLoader<Tensor[], Tensor[]>[] l = loaders();
        int nEpochs = 15;
        double initialLr = 0.0001, peakLr = 0.01, minLr = 0.1 * initialLr;
        int totalSteps = l[0].size() * nEpochs;
        int warmupSteps = (int) (0.2 * totalSteps);
        assertThat(totalSteps).isEqualTo(135);
        assertThat(warmupSteps).isEqualTo(27);
        manualSeed(123);
        GPTModel model = new GPTModel(SMALL);
        AdamW optimizer = new AdamW(model.parameters(), peakLr, 0.1);
        Training.History h = Training.trainModel(model, l[0], l[1], optimizer, new Training.Options(nEpochs, 1000, 1, null, null),
                warmupSteps, initialLr, minLr);
        List<Double> lrs = h.learningRates();
        assertThat(lrs).hasSize(135);
        assertThat(lrs.get(0)).isEqualTo(initialLr);
        assertThat(lrs.get(1)).isCloseTo(initialLr + (peakLr - initialLr) / warmupSteps, within(1e-15));
        assertThat(lrs.get(27)).isCloseTo(peakLr, within(1e-15));
        assertThat(lrs.get(134)).isCloseTo(minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * 107 / 108.0)), within(1e-15));
        for (int i = 28; i < 135; i++) assertThat(lrs.get(i)).isLessThan(lrs.get(i - 1));
        // evaluation at step 0 only (eval_freq 1000): loss on the training batch falls over 15 epochs
        double after = Training.evaluateModel(model, l[0], l[1], 5)[0];
        assertThat(after).isLessThan(h.trainLosses().get(0) - 2.0);
    }

    @Test
    @DisplayName("D.3 gradient clipping: clip_grad_norm_ scales the gradients to the maximum norm")
    void gradientClipping() {
        DataLoader<Tensor[], Tensor[]>[] l = loaders();
        manualSeed(123);
        GPTModel model = new GPTModel(SMALL);
        Tensor[] batch = l[0].iterator().next();
        Training.calcLossBatch(batch[0], batch[1], model).backward();
        float highestBefore = highestGradient(model);
        double maxNorm = 0.05; // the book clips the 124M model at 1.0; this small model's gradients are smaller
        double norm = GradClip.clipGradNorm(model.parameters(), maxNorm);
        assertThat(norm).isGreaterThan(maxNorm);
        double after = 0;
        for (Tensor p : model.parameters()) for (float g : p.grad().toFloatArray()) after += (double) g * g;
        assertThat(Math.sqrt(after)).isCloseTo(maxNorm, within(1e-5));
        assertThat(highestGradient(model)).isCloseTo((float) (highestBefore * maxNorm / (norm + 1e-6)), within(1e-6f));
    }

    /** The book's find_highest_gradient. */
    static float highestGradient(GPTModel model) {
        float max = Float.NEGATIVE_INFINITY;
        for (Tensor p : model.parameters()) if (p.grad() != null) max = Math.max(max, p.grad().max().item());
        return max;
    }
}

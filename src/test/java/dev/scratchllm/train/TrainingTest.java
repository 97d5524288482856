package dev.scratchllm.train;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.Dataset;
import dev.scratchllm.nn.Embedding;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainingTest {
    /** A bigram "language model": ids (b, T) → logits (b, T, V). */
    static Module bigram(int vocab) {
        return new Sequential(new Embedding(vocab, 8), new Linear(8, vocab));
    }

    /** Windows over the repeating sequence 0 1 2 … 9 0 1 2 …: next-token prediction is learnable. */
    static Dataset<Tensor[]> windows(int count) {
        return new Dataset<>() {
            public int size() {
                return count;
            }

            public Tensor[] get(int i) {
                long[] x = new long[4], y = new long[4];
                for (int j = 0; j < 4; j++) {
                    x[j] = (i + j) % 10;
                    y[j] = (i + j + 1) % 10;
                }
                return new Tensor[] {Tensor.ofLongs(x, 4), Tensor.ofLongs(y, 4)};
            }
        };
    }

    @Test
    void trainModelSimpleKeepsTheBooksBookkeepingAndLearns() {
        ScratchLLM.manualSeed(1);
        Module model = bigram(10);
        var train = DataLoader.of(windows(12), 2, true, true);
        var val = DataLoader.of(windows(4), 2, false, false);
        double before = Training.calcLossLoader(train, model);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Integer> epochsDone = new ArrayList<>();
        var h = Training.trainModelSimple(model, train, val, new AdamW(model.parameters(), 0.05, 0.0),
                new Training.Options(3, 4, 2, new PrintStream(buf, true), epochsDone::add));
        // 6 steps per epoch, 18 in all: evaluations at global steps 0, 4, 8, 12, 16
        assertThat(h.trainLosses()).hasSize(5);
        assertThat(h.tokensSeen()).containsExactly(8L, 40L, 72L, 104L, 136L);
        assertThat(epochsDone).containsExactly(0, 1, 2);
        assertThat(buf.toString()).startsWith("Ep 1 (Step 000000): Train loss ").contains("Ep 3 (Step 000016)");
        assertThat(h.trainLosses().get(4)).isLessThan(before / 2);
        assertThat(model.isTraining()).isTrue();
    }

    @Test
    void aNonFiniteLossStopsTraining() {
        Module model = bigram(10);
        try (var g = ScratchLLM.noGrad()) {
            model.parameters().get(0).fill_(Float.NaN);
        }
        var train = DataLoader.of(windows(4), 2, false, false);
        assertThatThrownBy(() -> Training.trainModelSimple(model, train, train, new AdamW(model.parameters(), 0.01, 0.0),
                new Training.Options(1, 1, 1, null, null))).isInstanceOf(IllegalStateException.class).hasMessageContaining("loss is NaN");
    }

    @Test
    void warmupThenCosineSchedule() {
        // peak 0.01, initial 1e-4, min 1e-6 (appendix D's values), 20 warm-up steps of 100
        double inc = (0.01 - 1e-4) / 20;
        assertThat(Training.learningRate(0, 20, 100, 1e-4, 0.01, 1e-6, inc)).isEqualTo(1e-4);
        assertThat(Training.learningRate(10, 20, 100, 1e-4, 0.01, 1e-6, inc)).isCloseTo(0.00505, within(1e-12));
        assertThat(Training.learningRate(20, 20, 100, 1e-4, 0.01, 1e-6, inc)).isCloseTo(0.01, within(1e-12));
        assertThat(Training.learningRate(60, 20, 100, 1e-4, 0.01, 1e-6, inc)).isCloseTo(1e-6 + (0.01 - 1e-6) * 0.5, within(1e-12));
        assertThat(Training.learningRate(100, 20, 100, 1e-4, 0.01, 1e-6, inc)).isCloseTo(1e-6, within(1e-12));
    }

    @Test
    void trainModelTracksLearningRatesAndClips() {
        ScratchLLM.manualSeed(2);
        Module model = bigram(10);
        var train = DataLoader.of(windows(8), 2, false, true);
        AdamW opt = new AdamW(model.parameters(), 0.01, 0.1);
        var h = Training.trainModel(model, train, train, opt, new Training.Options(2, 3, 1, null, null), 2, 1e-4, 1e-6);
        assertThat(h.learningRates()).hasSize(8);
        assertThat(h.learningRates().get(0)).isEqualTo(1e-4);
        assertThat(h.learningRates().get(2)).isCloseTo(0.01, within(1e-12));
        assertThat(h.learningRates().get(7)).isLessThan(0.002);
        assertThat(h.trainLosses()).hasSize(3); // steps 0, 3, 6
    }

    @Test
    void greedyAndSampledGenerationExtendTheContext() {
        ScratchLLM.manualSeed(3);
        Module model = bigram(10);
        var opt = new AdamW(model.parameters(), 0.05, 0.0);
        Training.trainModelSimple(model, DataLoader.of(windows(20), 4, true, true), DataLoader.of(windows(4), 2, false, false), opt,
                new Training.Options(20, 1000, 1, null, null));
        model.eval();
        Tensor out = TextGeneration.generate(model, Tensor.ofLongs(new long[] {3}, 1, 1), 5, 4);
        assertThat(out.toLongArray()).containsExactly(3, 4, 5, 6, 7, 8);
        Tensor stopped = TextGeneration.generate(model, Tensor.ofLongs(new long[] {3}, 1, 1), 5, 4, 0f, null, 6L);
        assertThat(stopped.toLongArray()).containsExactly(3, 4, 5);
        ScratchLLM.manualSeed(5);
        Tensor sampled = TextGeneration.generate(model, Tensor.ofLongs(new long[] {3}, 1, 1), 5, 4, 0.5f, 2, null);
        assertThat(sampled.shape()).containsExactly(1, 6);
    }

    @Test
    void lossPlotIsAPngWithBothSeries(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("loss-plot.png");
        LossPlot.write(png, List.of(0.0, 1.0, 2.0, 3.0), List.of(0L, 100L, 200L, 300L), List.of(9.0, 6.0, 4.0, 3.0), List.of(9.5, 7.0, 6.5, 6.4), "Loss");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        int blue = 0, orange = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb == 0x1f77b4) blue++;
                if (rgb == 0xff7f0e) orange++;
            }
        assertThat(blue).isGreaterThan(100);
        assertThat(orange).isGreaterThan(100);
        assertThatThrownBy(() -> LossPlot.write(png, List.of(0.0), null, List.of(1.0, 2.0), null, "Loss")).hasMessageContaining("lengths");
    }
}

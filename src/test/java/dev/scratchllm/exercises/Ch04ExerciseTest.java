// Chapter 4's exercises: LayerNorm, GELU, the transformer block, the GPT model's forward pass,
// generate_text_simple and exercises 4.1 and 4.2. Each is compared with the library on a small
// model (same weights, same seed, dropout on) and with the numbers the book prints for GPT-2 124M
// (as book/Ch04Test). The 124M checks take seconds and are tagged slow: exercise mode runs them,
// the default build leaves them to book/Ch04Test (-Pslow runs them too). Runs against the library
// in the default build and against the learner's stubs with -Pexercises.
package dev.scratchllm.exercises;

import dev.scratchllm.exercises.ch04.Exercise4_1;
import dev.scratchllm.exercises.ch04.Exercise4_2;
import dev.scratchllm.exercises.ch04.GELU;
import dev.scratchllm.exercises.ch04.GPTModel;
import dev.scratchllm.exercises.ch04.Generation;
import dev.scratchllm.exercises.ch04.LayerNorm;
import dev.scratchllm.exercises.ch04.TransformerBlock;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static dev.scratchllm.ScratchLLM.rand;
import static dev.scratchllm.ScratchLLM.randn;
import static dev.scratchllm.ScratchLLM.stack;
import static dev.scratchllm.ScratchLLM.tensor;
import static dev.scratchllm.exercises.Exercise.EXERCISE_4_1;
import static dev.scratchllm.exercises.Exercise.EXERCISE_4_2;
import static dev.scratchllm.exercises.Exercise.LISTING_4_2;
import static dev.scratchllm.exercises.Exercise.LISTING_4_3;
import static dev.scratchllm.exercises.Exercise.LISTING_4_6;
import static dev.scratchllm.exercises.Exercise.LISTING_4_7;
import static dev.scratchllm.exercises.Exercise.LISTING_4_8;
import static dev.scratchllm.exercises.ExerciseData.assertClose;
import static dev.scratchllm.exercises.ExerciseData.shape;
import static dev.scratchllm.gpt.GPTConfig.GPT_CONFIG_124M;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ExerciseReport.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // by name: a listing's quick checks before its slow ones ("untrained...")
@DisplayName("Exercises, chapter 4: Implementing a GPT model")
class Ch04ExerciseTest {
    /** A small GPT for the comparisons: vocab 60, context 8, emb 16, 4 heads, 2 layers, dropout 0.2. */
    static final GPTConfig SMALL = new GPTConfig(60, 8, 16, 4, 2, 0.2, false);

    /** "Every effort moves you" and "Every day holds a" (section 4.1), shape (2, 4). */
    static Tensor batch() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        return stack(List.of(tensor(tokenizer.encode("Every effort moves you")), tensor(tokenizer.encode("Every day holds a"))), 0);
    }

    /** Ids below the small vocabulary, shape (2, 6). */
    static Tensor smallIds() {
        return Tensor.ofLongs(new long[] {3, 14, 15, 9, 26, 53, 5, 8, 9, 7, 9, 32}, 2, 6);
    }

    /** {@code learner} and {@code reference} with the same weights, in train mode, from the same seed. */
    static void assertSameAsReference(dev.scratchllm.nn.Module learner, dev.scratchllm.nn.Module reference, Tensor x, String what) {
        Ch03ExerciseTest.assertSameAsReference(learner, reference, x, what);
    }

    @Test
    @Checks(LISTING_4_2)
    @DisplayName("Listing 4.2: LayerNorm gives each row mean 0 and (biased) variance 1, as the book's formula")
    void listing4_2_layerNorm() {
        manualSeed(123);
        Tensor batchExample = randn(2, 5);
        LayerNorm ln = new LayerNorm(5);
        Tensor outLn = ln.forward(batchExample);
        for (float m : outLn.mean(-1, true).toFloatArray()) assertThat((double) Math.abs(m)).as("row mean").isLessThan(1e-6);
        for (float v : outLn.var(-1, false, true).toFloatArray()) assertThat(String.format("%.4f", v)).as("row variance").isEqualTo("1.0000");
        assertClose(outLn.toFloatArray(), new dev.scratchllm.nn.LayerNorm(5).forwardComposed(batchExample).toFloatArray(), 1e-5f,
                "LayerNorm(5) of the book's randn(2, 5)");
    }

    @Test
    @Checks(LISTING_4_2)
    @DisplayName("Listing 4.2: scale and shift are applied (trained values, a (2, 3, 8) input)")
    void listing4_2_scaleAndShift() {
        LayerNorm ln = new LayerNorm(8);
        try (var g = noGrad()) {
            ln.scale().copy_(Tensor.arange(8).toFloat().mul(0.5f).add(0.25f));
            ln.shift().copy_(Tensor.arange(8).toFloat().mul(-0.1f));
        }
        manualSeed(5);
        Tensor x = randn(2, 3, 8).mul(3f).add(1f);
        var reference = new dev.scratchllm.nn.LayerNorm(8);
        reference.loadStateDict(ln.stateDict());
        assertClose(ln.forward(x).toFloatArray(), reference.forward(x).toFloatArray(), 1e-5f, "LayerNorm(8) with scale and shift");
    }

    @Test
    @Checks(LISTING_4_3)
    @DisplayName("Listing 4.3: GELU at -3, -0.75, 0, 1, 3 prints the book's values and matches the library from -6 to 6")
    void listing4_3_gelu() {
        GELU gelu = new GELU();
        assertThat(gelu.forward(tensor(new float[] {-3f, -0.75f, 0f, 1f, 3f})).toString())
                .isEqualTo("tensor([-0.0036, -0.1700,  0.0000,  0.8412,  2.9964])");
        Tensor x = Tensor.arange(121).toFloat().mul(0.1f).sub(6f).view(11, 11);
        Tensor ours = gelu.forward(x);
        assertThat(ours.shape()).containsExactly(11, 11);
        assertClose(ours.toFloatArray(), x.gelu().toFloatArray(), 1e-5f, "GELU on -6.0, -5.9, ..., 6.0");
    }

    @Test
    @Checks(LISTING_4_6)
    @DisplayName("Listing 4.6: the transformer block computes the library's numbers on a small block, dropout included")
    void listing4_6_transformerBlock() {
        manualSeed(3);
        TransformerBlock small = new TransformerBlock(SMALL);
        assertSameAsReference(small, new dev.scratchllm.gpt.TransformerBlock(SMALL), rand(2, 5, 16), "TransformerBlock");
    }

    @Test
    @Tag("slow")
    @Checks(LISTING_4_6)
    @DisplayName("Listing 4.6: a GPT-2 124M block keeps the shape (2, 4, 768) (seed 123)")
    void listing4_6_untrainedGpt2Block() {
        manualSeed(123);
        Tensor x = rand(2, 4, 768);
        TransformerBlock block = new TransformerBlock(GPT_CONFIG_124M);
        Tensor output = block.forward(x);
        assertThat("Input shape: " + shape(x)).isEqualTo("Input shape: torch.Size([2, 4, 768])");
        assertThat("Output shape: " + shape(output)).isEqualTo("Output shape: torch.Size([2, 4, 768])");
    }

    @Test
    @Checks(LISTING_4_7)
    @DisplayName("Listing 4.7: GPTModel's logits equal the library's on a small model (same weights and seed, dropout on)")
    void listing4_7_gptModel() {
        manualSeed(4);
        GPTModel small = new GPTModel(SMALL);
        assertSameAsReference(small, new dev.scratchllm.gpt.GPTModel(SMALL), smallIds(), "GPTModel");
    }

    @Test
    @Tag("slow")
    @Checks(LISTING_4_7)
    @DisplayName("Listing 4.7: GPT-2 124M after seed 123 gives the book's logits (train mode, right after construction)")
    void listing4_7_untrained124M() {
        manualSeed(123);
        GPTModel model = new GPTModel(GPT_CONFIG_124M);
        Tensor out = model.forward(batch()); // train mode right after construction: the book's dropout masks
        assertThat("Output shape: " + shape(out)).isEqualTo("Output shape: torch.Size([2, 4, 50257])");
        ExerciseData.assertPrintsLike(out, """
                tensor([[[ 0.3613,  0.4222, -0.0711,  ...,  0.3483,  0.4661, -0.2838],
                         [-0.1792, -0.5660, -0.9485,  ...,  0.0477,  0.5181, -0.3168],
                         [ 0.7120,  0.0332,  0.1085,  ...,  0.1018, -0.4327, -0.2553],
                         [-1.0076,  0.3418, -0.1190,  ...,  0.7195,  0.4023,  0.0532]],

                        [[-0.2564,  0.0900,  0.0335,  ...,  0.2659,  0.4454, -0.6806],
                         [ 0.1230,  0.3653, -0.2074,  ...,  0.7705,  0.2710,  0.2246],
                         [ 1.0558,  1.0318, -0.2800,  ...,  0.6936,  0.3205, -0.3178],
                         [-0.1565,  0.3926,  0.3288,  ...,  1.2630, -0.1858,  0.0388]]],
                       grad_fn=<UnsafeViewBackward0>)""");
    }

    @Test
    @Checks(LISTING_4_8)
    @DisplayName("Listing 4.8: generate_text_simple crops to the context and picks what the library picks (a small model)")
    void listing4_8_generateTextSimple() {
        manualSeed(8);
        var small = new dev.scratchllm.gpt.GPTModel(SMALL.withContextLength(4));
        small.eval();
        Tensor start = Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor ours = Generation.generateTextSimple(small, start, 5, 4); // longer than the context of 4: must crop
        assertThat(ours.shape()).containsExactly(2, 8);
        assertThat(ours.toLongArray()).containsExactly(dev.scratchllm.gpt.Generation.generateTextSimple(small, start, 5, 4).toLongArray());
    }

    @Test
    @Tag("slow")
    @Checks(LISTING_4_8)
    @DisplayName("Listing 4.8: the untrained GPT-2 124M (seed 123) continues \"Hello, I am\" with the book's six tokens")
    void listing4_8_untrained124M() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        manualSeed(123);
        var model = new dev.scratchllm.gpt.GPTModel(GPT_CONFIG_124M);
        model.eval();
        Tensor encoded = tensor(tokenizer.encode("Hello, I am")).unsqueeze(0);
        Tensor out = Generation.generateTextSimple(model, encoded, 6, GPT_CONFIG_124M.contextLength());
        assertThat("Output: " + out).isEqualTo("Output: tensor([[15496,    11,   314,   716, 27018, 24086, 47843, 30961, 42348,  7267]])");
        assertThat(tokenizer.decode(out.squeeze(0).toIntArray())).isEqualTo("Hello, I am Featureiman Byeswickattribute argue");
    }

    @Test
    @Checks(EXERCISE_4_1)
    @DisplayName("Exercise 4.1: one block of GPT-2 124M: 4,722,432 feed-forward and 2,360,064 attention parameters")
    void exercise4_1_parameters() {
        assertThat(String.format("%,d", Exercise4_1.feedForwardParameters(GPT_CONFIG_124M))).isEqualTo("4,722,432");
        assertThat(String.format("%,d", Exercise4_1.attentionParameters(GPT_CONFIG_124M))).isEqualTo("2,360,064");
    }

    @Test
    @Checks(EXERCISE_4_2)
    @DisplayName("Exercise 4.2: GPT-2 small, medium, large and XL: parameters, with weight tying, and size")
    void exercise4_2_largerModels() {
        StringBuilder sb = new StringBuilder();
        for (String abbrev : List.of("small", "medium", "large", "xl")) {
            String modelName = "gpt2-" + abbrev;
            GPTConfig config = Exercise4_2.config(modelName);
            long totalParams = Exercise4_2.totalParameters(config);
            long outHead = (long) config.embDim() * config.vocabSize();
            sb.append(String.format("%s: %,d parameters, %,d with weight tying, %.2f MB%n", modelName, totalParams, totalParams - outHead,
                    Exercise4_2.sizeInMB(totalParams)));
        }
        assertThat(sb.toString().replace(System.lineSeparator(), "\n")).isEqualTo("""
                gpt2-small: 163,009,536 parameters, 124,412,160 with weight tying, 621.83 MB
                gpt2-medium: 406,212,608 parameters, 354,749,440 with weight tying, 1549.58 MB
                gpt2-large: 838,220,800 parameters, 773,891,840 with weight tying, 3197.56 MB
                gpt2-xl: 1,637,792,000 parameters, 1,557,380,800 with weight tying, 6247.68 MB
                """);
        // the small model's count agrees with a model actually built (the others would need gigabytes)
        assertThat(Exercise4_2.totalParameters(SMALL)).isEqualTo(new dev.scratchllm.gpt.GPTModel(SMALL).numParameters());
    }
}

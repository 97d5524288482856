// Chapter 3's exercises: the attention classes of listings 3.1 to 3.5 and exercises 3.1 to 3.3,
// checked with the values the book prints (as book/Ch03Test) and, with dropout on, against the
// library's class holding the same weights under the same seed. Runs against the library in the
// default build and against the learner's stubs with -Pexercises.
package dev.scratchllm.exercises;

import dev.scratchllm.exercises.ch03.CausalAttention;
import dev.scratchllm.exercises.ch03.Exercise3_1;
import dev.scratchllm.exercises.ch03.Exercise3_2;
import dev.scratchllm.exercises.ch03.Exercise3_3;
import dev.scratchllm.exercises.ch03.MultiHeadAttention;
import dev.scratchllm.exercises.ch03.MultiHeadAttentionWrapper;
import dev.scratchllm.exercises.ch03.SelfAttentionV1;
import dev.scratchllm.exercises.ch03.SelfAttentionV2;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.rand;
import static dev.scratchllm.exercises.Exercise.EXERCISE_3_1;
import static dev.scratchllm.exercises.Exercise.EXERCISE_3_2;
import static dev.scratchllm.exercises.Exercise.EXERCISE_3_3;
import static dev.scratchllm.exercises.Exercise.LISTING_3_1;
import static dev.scratchllm.exercises.Exercise.LISTING_3_2;
import static dev.scratchllm.exercises.Exercise.LISTING_3_3;
import static dev.scratchllm.exercises.Exercise.LISTING_3_4;
import static dev.scratchllm.exercises.Exercise.LISTING_3_5;
import static dev.scratchllm.exercises.ExerciseData.attentionBatch;
import static dev.scratchllm.exercises.ExerciseData.attentionInputs;
import static dev.scratchllm.exercises.ExerciseData.shape;
import static dev.scratchllm.exercises.ExerciseData.twoCopies;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ExerciseReport.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // by name: a listing's quick checks before its slow ones ("untrained...")
@DisplayName("Exercises, chapter 3: Coding attention mechanisms")
class Ch03ExerciseTest {

    /**
     * {@code learner} in train mode gives what {@code reference} (loaded with the same weights)
     * gives when both start from the same seed: same arithmetic, and dropout drawn at the same place.
     */
    static void assertSameAsReference(Module learner, Module reference, Tensor x, String what) {
        reference.loadStateDict(learner.stateDict());
        learner.train();
        reference.train();
        manualSeed(2024);
        Tensor ours = learner.forward(x);
        manualSeed(2024);
        Tensor expected = reference.forward(x);
        assertThat(ours.shape()).as(what + ": output shape").containsExactly(expected.shape());
        ExerciseData.assertClose(ours.toFloatArray(), expected.toFloatArray(), 1e-5f, what);
    }

    @Test
    @Checks(LISTING_3_1)
    @DisplayName("Listing 3.1: SelfAttention_v1 (seed 123) prints the book's context vectors, and gradients reach all three weights")
    void listing3_1_selfAttentionV1() {
        manualSeed(123);
        SelfAttentionV1 saV1 = new SelfAttentionV1(3, 2);
        Tensor out = saV1.forward(attentionInputs());
        assertThat(out.toString()).isEqualTo("""
                tensor([[0.2996, 0.8053],
                        [0.3061, 0.8210],
                        [0.3058, 0.8203],
                        [0.2948, 0.7939],
                        [0.2927, 0.7891],
                        [0.2990, 0.8040]], grad_fn=<MmBackward0>)""");
        out.sum().backward();
        assertThat(saV1.wQuery().grad()).as("W_query's gradient").isNotNull();
        assertThat(saV1.wKey().grad()).as("W_key's gradient").isNotNull();
        assertThat(saV1.wValue().grad()).as("W_value's gradient").isNotNull();
    }

    @Test
    @Checks(LISTING_3_2)
    @DisplayName("Listing 3.2: SelfAttention_v2 with nn.Linear (seed 789) prints the book's context vectors")
    void listing3_2_selfAttentionV2() {
        manualSeed(789);
        SelfAttentionV2 saV2 = new SelfAttentionV2(3, 2);
        assertThat(saV2.forward(attentionInputs()).toString()).isEqualTo("""
                tensor([[-0.0739,  0.0713],
                        [-0.0748,  0.0703],
                        [-0.0749,  0.0702],
                        [-0.0760,  0.0685],
                        [-0.0763,  0.0679],
                        [-0.0754,  0.0693]], grad_fn=<MmBackward0>)""");
    }

    @Test
    @Checks(LISTING_3_3)
    @DisplayName("Listing 3.3: CausalAttention on the batch of two (seed 123, no dropout): the book's (2, 6, 2) context vectors")
    void listing3_3_causalAttention() {
        Tensor batch = attentionBatch();
        manualSeed(123);
        CausalAttention ca = new CausalAttention(3, 2, batch.size(1), 0.0);
        Tensor contextVecs = ca.forward(batch);
        assertThat(shape(contextVecs)).isEqualTo("torch.Size([2, 6, 2])");
        assertThat(contextVecs.toString()).isEqualTo(twoCopies("""
                [[-0.4519,  0.2216],
                         [-0.5874,  0.0058],
                         [-0.6300, -0.0632],
                         [-0.5675, -0.0843],
                         [-0.5526, -0.0981],
                         [-0.5299, -0.1081]]""", "UnsafeViewBackward0"));
    }

    @Test
    @Checks(LISTING_3_3)
    @DisplayName("Listing 3.3: with dropout 0.5 and fewer tokens than the context, the same numbers as the library's CausalAttention")
    void listing3_3_dropoutAndShortInput() {
        manualSeed(7);
        CausalAttention ca = new CausalAttention(4, 3, 8, 0.5, true);
        assertSameAsReference(ca, new dev.scratchllm.attention.CausalAttention(4, 3, 8, 0.5, true), rand(3, 5, 4), "CausalAttention");
    }

    @Test
    @Checks(LISTING_3_4)
    @DisplayName("Listing 3.4: MultiHeadAttentionWrapper with two heads (seed 123): the book's (2, 6, 4) output")
    void listing3_4_wrapper() {
        Tensor batch = attentionBatch();
        manualSeed(123);
        MultiHeadAttentionWrapper mha = new MultiHeadAttentionWrapper(3, 2, batch.size(1), 0.0, 2);
        Tensor contextVecs = mha.forward(batch);
        assertThat(shape(contextVecs)).isEqualTo("torch.Size([2, 6, 4])");
        assertThat(contextVecs.toString()).isEqualTo(twoCopies("""
                [[-0.4519,  0.2216,  0.4772,  0.1063],
                         [-0.5874,  0.0058,  0.5891,  0.3257],
                         [-0.6300, -0.0632,  0.6202,  0.3860],
                         [-0.5675, -0.0843,  0.5478,  0.3589],
                         [-0.5526, -0.0981,  0.5321,  0.3428],
                         [-0.5299, -0.1081,  0.5077,  0.3493]]""", "CatBackward0"));
    }

    @Test
    @Checks(LISTING_3_5)
    @DisplayName("Listing 3.5: MultiHeadAttention with weight splits (seed 123): the book's (2, 6, 2) output")
    void listing3_5_multiHeadAttention() {
        Tensor batch = attentionBatch();
        manualSeed(123);
        MultiHeadAttention mha = new MultiHeadAttention(3, 2, batch.size(1), 0.0, 2);
        Tensor contextVecs = mha.forward(batch);
        assertThat(shape(contextVecs)).isEqualTo("torch.Size([2, 6, 2])");
        assertThat(contextVecs.toString()).isEqualTo(twoCopies("""
                [[0.3190, 0.4858],
                         [0.2943, 0.3897],
                         [0.2856, 0.3593],
                         [0.2693, 0.3873],
                         [0.2639, 0.3928],
                         [0.2575, 0.4028]]""", "ViewBackward0"));
    }

    @Test
    @Checks(LISTING_3_5)
    @DisplayName("Listing 3.5: four heads, qkv bias, dropout 0.3 and a short input give the library's numbers")
    void listing3_5_fourHeadsWithDropout() {
        manualSeed(11);
        MultiHeadAttention mha = new MultiHeadAttention(6, 8, 10, 0.3, 4, true);
        assertSameAsReference(mha, new dev.scratchllm.attention.MultiHeadAttention(6, 8, 10, 0.3, 4, true), rand(2, 7, 6), "MultiHeadAttention");
    }

    @Test
    @Checks(EXERCISE_3_1)
    @DisplayName("Exercise 3.1: SelfAttention_v1 holding SelfAttention_v2's transposed weights computes v2's output")
    void exercise3_1_sameOutputs() {
        manualSeed(123);
        SelfAttentionV1 saV1 = new SelfAttentionV1(3, 2);
        manualSeed(123);
        SelfAttentionV2 saV2 = new SelfAttentionV2(3, 2);
        Exercise3_1.loadV2Weights(saV1, saV2);
        // the library's forward passes, so that only the weights are checked here
        var v1 = new dev.scratchllm.attention.SelfAttentionV1(3, 2);
        v1.loadStateDict(saV1.stateDict());
        var v2 = new dev.scratchllm.attention.SelfAttentionV2(3, 2);
        v2.loadStateDict(saV2.stateDict());
        String expected = """
                tensor([[-0.5337, -0.1051],
                        [-0.5323, -0.1080],
                        [-0.5323, -0.1079],
                        [-0.5297, -0.1076],
                        [-0.5311, -0.1066],
                        [-0.5299, -0.1081]], grad_fn=<MmBackward0>)""";
        assertThat(v1.forward(attentionInputs()).toString()).isEqualTo(expected);
        assertThat(v2.forward(attentionInputs()).toString()).isEqualTo(expected);
    }

    @Test
    @Checks(EXERCISE_3_2)
    @DisplayName("Exercise 3.2: two heads of d_out 1 give two-dimensional context vectors (seed 123)")
    void exercise3_2_twoDimensions() {
        Tensor batch = attentionBatch();
        manualSeed(123);
        MultiHeadAttentionWrapper mha = Exercise3_2.twoDimensionalOutputs(3, batch.size(1), 0.0);
        assertThat(mha.heads().size()).as("number of heads").isEqualTo(2);
        Tensor contextVecs = mha.forward(batch);
        assertThat(shape(contextVecs)).isEqualTo("torch.Size([2, 6, 2])");
        // PyTorch 1.13 running the chapter's classes prints these (see book/Ch03Test)
        assertThat(contextVecs.toString()).isEqualTo(twoCopies("""
                [[-0.5740,  0.2216],
                         [-0.7320,  0.0155],
                         [-0.7774, -0.0546],
                         [-0.6979, -0.0817],
                         [-0.6538, -0.0957],
                         [-0.6424, -0.1065]]""", "CatBackward0"));
    }

    @Test
    @Checks(EXERCISE_3_3)
    @DisplayName("Exercise 3.3: GPT-2-sized attention: 768 → 768, 12 heads of 64, context 1,024, 2,360,064 parameters")
    void exercise3_3_gpt2Sized() {
        MultiHeadAttention mha = Exercise3_3.gpt2SizedAttention();
        assertThat(mha.numTrainableParameters()).isEqualTo(2_360_064L);
        assertThat(mha.numHeads()).isEqualTo(12);
        assertThat(mha.headDim()).isEqualTo(64);
        assertThat(mha.contextLength()).isEqualTo(1024);
        assertThat(mha.wQuery().weight().shape()).containsExactly(768, 768);
    }
}

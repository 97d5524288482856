package dev.scratchllm.book;

import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.TextGeneration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.multinomial;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.assertj.core.api.Assertions.assertThat;

/** Chapter 5, "Pretraining on unlabeled data": the book's listings and printed results. */
@DisplayName("Chapter 5: Pretraining on unlabeled data")
class Ch05Test {

    @Nested
    @DisplayName("5.3 Decoding strategies to control randomness")
    class Decoding {
        final List<String> vocab = List.of("closer", "every", "effort", "forward", "inches", "moves", "pizza", "toward", "you");
        final Tensor nextTokenLogits = tensor(new float[] {4.51f, 0.89f, -1.90f, 6.75f, 1.63f, -1.62f, -1.89f, 6.28f, 1.79f});

        int[] sampledCounts(Tensor probas) {
            manualSeed(123);
            int[] counts = new int[vocab.size()];
            for (int i = 0; i < 1000; i++) counts[(int) multinomial(probas, 1).itemLong()]++;
            return counts;
        }

        @Test
        @DisplayName("greedy: argmax of the softmax picks \"forward\"")
        void greedy() {
            Tensor probas = nextTokenLogits.softmax(0);
            assertThat(vocab.get((int) probas.argmax().itemLong())).isEqualTo("forward");
        }

        @Test
        @DisplayName("torch.manual_seed(123); multinomial(probas, 1) also gives \"forward\"")
        void oneSample() {
            manualSeed(123);
            Tensor probas = nextTokenLogits.softmax(0);
            assertThat(vocab.get((int) multinomial(probas, 1).itemLong())).isEqualTo("forward");
        }

        @Test
        @DisplayName("1,000 samples: 73 x closer, 582 x forward, 2 x inches, 343 x toward")
        void printSampledTokens() {
            assertThat(sampledCounts(nextTokenLogits.softmax(0))).containsExactly(73, 0, 0, 582, 2, 0, 0, 343, 0);
        }

        @Test
        @DisplayName("Listing 5.x softmax_with_temperature: T = 1, 0.1, 5 change the sample counts")
        void temperatureScaling() {
            assertThat(sampledCounts(TextGeneration.softmaxWithTemperature(nextTokenLogits, 1f))).containsExactly(73, 0, 0, 582, 2, 0, 0, 343, 0);
            assertThat(sampledCounts(TextGeneration.softmaxWithTemperature(nextTokenLogits, 0.1f))).containsExactly(0, 0, 0, 985, 0, 0, 0, 15, 0);
            assertThat(sampledCounts(TextGeneration.softmaxWithTemperature(nextTokenLogits, 5f))).containsExactly(165, 75, 42, 239, 71, 46, 32, 227, 103);
        }

        @Test
        @DisplayName("5.3.2 top-k sampling: the three largest logits, the masked logits and their probabilities")
        void topK() {
            var top = nextTokenLogits.topk(3);
            assertThat(top.values().toString()).isEqualTo("tensor([6.7500, 6.2800, 4.5100])");
            assertThat(top.indices().toString()).isEqualTo("tensor([3, 7, 0])");
            Tensor newLogits = Tensor.where(nextTokenLogits.lt(top.values().get(-1)), tensor(Float.NEGATIVE_INFINITY), nextTokenLogits);
            assertThat(newLogits.toString()).isEqualTo("tensor([4.5100,   -inf,   -inf, 6.7500,   -inf,   -inf,   -inf, 6.2800,   -inf])");
            assertThat(newLogits.softmax(0).toString())
                    .isEqualTo("tensor([0.0615, 0.0000, 0.0000, 0.5775, 0.0000, 0.0000, 0.0000, 0.3610, 0.0000])");
        }
    }
}

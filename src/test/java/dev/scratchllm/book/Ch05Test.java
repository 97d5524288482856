package dev.scratchllm.book;

import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.GPTDatasetV1;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.gpt.Generation;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.TextGeneration;
import dev.scratchllm.train.Training;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static dev.scratchllm.ScratchLLM.multinomial;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("5.1 Evaluating generative text models (the untrained 124M model, context 256, seed 123)")
    class Evaluating {
        static final GPTConfig CFG = GPTConfig.GPT_CONFIG_124M.withContextLength(256);
        GPTModel model;
        final GPT2Tokenizer tokenizer = GPT2Tokenizer.load();

        @BeforeAll
        void build() {
            manualSeed(123);
            model = new GPTModel(CFG);
            model.eval();
        }

        @AfterAll
        void release() {
            model = null;
        }

        @Test
        @DisplayName("Listing 5.1: the untrained model continues \"Every effort moves you\" with gibberish")
        void untrainedText() {
            Tensor ids = Generation.generateTextSimple(model, TextGeneration.textToTokenIds("Every effort moves you", tokenizer), 10, CFG.contextLength());
            assertThat(TextGeneration.tokenIdsToText(ids, tokenizer)).isEqualTo("Every effort moves you rentingetic wasn\u0645 refres RexMeCHicular stren");
        }

        @Test
        @DisplayName("5.1.2 target probabilities, log-probabilities, cross entropy 10.7940 and perplexity 48725.8203")
        void lossAndPerplexity() {
            Tensor inputs = tensor(new long[][] {{16833, 3626, 6100}, {40, 1107, 588}});
            Tensor targets = tensor(new long[][] {{3626, 6100, 345}, {1107, 588, 11311}});
            Tensor logits;
            try (var g = noGrad()) {
                logits = model.forward(inputs);
            }
            Tensor probas = logits.softmax(-1);
            assertThat(probas.shape()).containsExactly(2, 3, 50257);
            Tensor tokenIds = probas.argmax(-1, true);
            assertThat(TextGeneration.tokenIdsToText(targets.get(0), tokenizer)).isEqualTo(" effort moves you");
            assertThat(TextGeneration.tokenIdsToText(tokenIds.get(0).flatten(), tokenizer)).isEqualTo(" Armed heNetflix");
            Tensor targetProbas1 = probas.get(0).gather(1, targets.get(0).unsqueeze(1)).flatten();
            Tensor targetProbas2 = probas.get(1).gather(1, targets.get(1).unsqueeze(1)).flatten();
            // the book prints tensor([7.4541e-05, 3.1061e-05, 1.1563e-05]) and tensor([1.0337e-05, 5.6776e-05, 4.7559e-06]);
            // matmul rounding moves the fifth digit by one here, so compare to 2e-5 relative
            assertThat(targetProbas1.toFloatArray()).containsExactly(new float[] {7.4541e-05f, 3.1061e-05f, 1.1563e-05f}, within(1.5e-9f));
            assertThat(targetProbas2.toFloatArray()).containsExactly(new float[] {1.0337e-05f, 5.6776e-05f, 4.7559e-06f}, within(1.5e-9f));
            Tensor logProbas = Tensor.cat(List.of(targetProbas1, targetProbas2), 0).log();
            assertThat(logProbas.toString()).isEqualTo("tensor([ -9.5042, -10.3796, -11.3677, -11.4798,  -9.7764, -12.2561])");
            assertThat(logProbas.mean().toString()).isEqualTo("tensor(-10.7940)");
            Tensor loss = dev.scratchllm.nn.Functional.crossEntropy(logits.flatten(0, 1), targets.flatten());
            assertThat(loss.toString()).isEqualTo("tensor(10.7940)");
            assertThat(loss.exp().toString()).isEqualTo("tensor(48725.8203)");
        }

        @Test
        @DisplayName("5.1.3 the-verdict: 9 training and 1 validation batch of 2 x 256, initial losses 10.988 and 10.981")
        void trainingAndValidationLosses() {
            assumeTrue(DataFiles.find("the-verdict.txt").isPresent(), () -> "skipped: " + DataFiles.describeSearch("the-verdict.txt"));
            String text = DataFiles.readString("the-verdict.txt");
            int split = (int) (0.90 * text.length());
            manualSeed(123);
            DataLoader<Tensor[], Tensor[]> trainLoader = GPTDatasetV1.createDataloaderV1(text.substring(0, split), 2, 256, 256, true, true);
            DataLoader<Tensor[], Tensor[]> valLoader = GPTDatasetV1.createDataloaderV1(text.substring(split), 2, 256, 256, false, false);
            assertThat(trainLoader.size()).isEqualTo(9);
            assertThat(valLoader.size()).isEqualTo(1);
            long trainTokens = 0;
            for (Tensor[] b : trainLoader) trainTokens += b[0].numel();
            assertThat(trainTokens).isEqualTo(4608);
            manualSeed(123); // "For reproducibility due to the shuffling in the data loader"
            double trainLoss, valLoss;
            try (var g = noGrad()) {
                trainLoss = Training.calcLossLoader(trainLoader, model);
                valLoss = Training.calcLossLoader(valLoader, model);
            }
            // the book prints 10.98758347829183 and 10.98110580444336
            assertThat(trainLoss).isCloseTo(10.98758347829183, within(2e-5));
            assertThat(valLoss).isCloseTo(10.98110580444336, within(2e-5));
        }
    }
}

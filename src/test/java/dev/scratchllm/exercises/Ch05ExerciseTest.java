// Chapter 5's exercises: the text helpers (listing 5.1), the losses (5.2), the training loop
// (5.3), generate with temperature, top-k and eos (5.4), and exercises 5.1 and 5.3. Small models
// and a toy "model" with the book's nine logits check each function (against the book's sample
// counts, or the library under the same seed); the untrained GPT-2 124M (context 256, seed 123)
// gives the book's text and losses in the checks tagged slow (seconds each: exercise mode runs
// them, the default build leaves them to book/Ch05Test, -Pslow runs them too). Runs against the
// library in the default build and against the learner's stubs with -Pexercises.
package dev.scratchllm.exercises;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.Dataset;
import dev.scratchllm.exercises.ch05.Exercise5_1;
import dev.scratchllm.exercises.ch05.Exercise5_3;
import dev.scratchllm.exercises.ch05.TextGeneration;
import dev.scratchllm.exercises.ch05.Training;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.multinomial;
import static dev.scratchllm.ScratchLLM.noGrad;
import static dev.scratchllm.ScratchLLM.tensor;
import static dev.scratchllm.exercises.Exercise.EXERCISE_5_1;
import static dev.scratchllm.exercises.Exercise.EXERCISE_5_3;
import static dev.scratchllm.exercises.Exercise.LISTING_5_1;
import static dev.scratchllm.exercises.Exercise.LISTING_5_2;
import static dev.scratchllm.exercises.Exercise.LISTING_5_3;
import static dev.scratchllm.exercises.Exercise.LISTING_5_4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(ExerciseReport.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // by name: a listing's quick checks before its slow ones ("untrained...")
@DisplayName("Exercises, chapter 5: Pretraining on unlabeled data")
class Ch05ExerciseTest {
    /** The untrained continuation of "Every effort moves you" by the 124M model of section 5.1 (listing 5.1). */
    static final String UNTRAINED_TEXT = "Every effort moves you rentingetic wasn\u0645 refres RexMeCHicular stren";

    /** Section 5.3's nine-word vocabulary and its next-token logits. */
    static final float[] TOY_LOGITS = {4.51f, 0.89f, -1.90f, 6.75f, 1.63f, -1.62f, -1.89f, 6.28f, 1.79f};
    static final int FORWARD = 3, PIZZA = 6;

    private static GPTModel model256;

    /** GPT-2 124M with context 256 after {@code manualSeed(123)}, in eval mode (section 5.1), built on first use. */
    static synchronized GPTModel model256() {
        if (model256 == null) {
            manualSeed(123);
            model256 = new GPTModel(GPTConfig.GPT_CONFIG_124M.withContextLength(256));
            model256.eval();
        }
        return model256;
    }

    @AfterAll
    static void release() {
        model256 = null; // 650 MB: not for the next test class
    }

    /**
     * A "model" whose logits are always the toy logits, {@code (b, n, 9)}; it fails if it is
     * given more than {@code contextSize} tokens (generate must crop).
     */
    static final class ToyModel extends Module {
        final int contextSize;

        ToyModel(int contextSize) {
            this.contextSize = contextSize;
        }

        @Override
        public Tensor forward(Tensor ids) {
            int b = ids.size(0), n = ids.size(1);
            if (n > contextSize) throw new AssertionError("the model got " + n + " tokens, more than the context size " + contextSize + ": crop the input first");
            float[] out = new float[b * n * 9];
            for (int i = 0; i < b * n; i++) System.arraycopy(TOY_LOGITS, 0, out, i * 9, 9);
            return Tensor.of(out, b, n, 9);
        }
    }

    /** How often each of the 9 ids follows the start token in {@code ids (1, 1 + n)}. */
    static int[] counts(Tensor ids) {
        int[] c = new int[9];
        long[] v = ids.toLongArray();
        for (int i = 1; i < v.length; i++) c[(int) v[i]]++;
        return c;
    }

    /** 1,000 tokens from the toy model after {@code manualSeed(123)}: the book's {@code print_sampled_tokens} experiment. */
    static int[] sampled(float temperature, Integer topK) {
        manualSeed(123);
        Tensor out = TextGeneration.generate(new ToyModel(2), Tensor.ofLongs(new long[] {0}, 1, 1), 1000, 2, temperature, topK, null);
        assertThat(out.shape()).as("generate's output shape").containsExactly(1, 1001);
        return counts(out);
    }

    /** A data set of {@code n} (input, target) pairs of 8 ids below 60, a pattern a small model can learn. */
    static Dataset<Tensor[]> patternData(int n, int offset) {
        return new Dataset<>() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Tensor[] get(int index) {
                long[] in = new long[8], tg = new long[8];
                for (int j = 0; j < 8; j++) {
                    in[j] = (3L * (index + offset) + 7L * j) % 60;
                    tg[j] = (3L * (index + offset) + 7L * (j + 1)) % 60;
                }
                return new Tensor[] {Tensor.ofLongs(in, 8), Tensor.ofLongs(tg, 8)};
            }
        };
    }

    static final GPTConfig SMALL = new GPTConfig(60, 8, 16, 4, 1, 0.1, false);

    // ------------------------------------------------------------------ listing 5.1

    @Test
    @Checks(LISTING_5_1)
    @DisplayName("Listing 5.1: text_to_token_ids adds the batch dimension and allows <|endoftext|>; token_ids_to_text undoes it")
    void listing5_1_textAndIds() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        Tensor ids = TextGeneration.textToTokenIds("Every effort moves you", tokenizer);
        assertThat(ids.toString()).isEqualTo("tensor([[6109, 3626, 6100,  345]])");
        assertThat(TextGeneration.textToTokenIds("Hi<|endoftext|>", tokenizer).toLongArray()).containsExactly(17250, 50256);
        assertThat(TextGeneration.tokenIdsToText(ids, tokenizer)).isEqualTo("Every effort moves you");
        assertThat(TextGeneration.tokenIdsToText(ids.squeeze(0), tokenizer)).isEqualTo("Every effort moves you");
    }

    @Test
    @Tag("slow")
    @Checks(LISTING_5_1)
    @DisplayName("Listing 5.1: the untrained 124M model continues \"Every effort moves you\" with the book's gibberish")
    void listing5_1_untrainedText() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        Tensor start = TextGeneration.textToTokenIds("Every effort moves you", tokenizer);
        Tensor ids = dev.scratchllm.gpt.Generation.generateTextSimple(model256(), start, 10, 256);
        assertThat(TextGeneration.tokenIdsToText(ids, tokenizer)).isEqualTo(UNTRAINED_TEXT);
    }

    // ------------------------------------------------------------------ listing 5.2

    @Test
    @Checks(LISTING_5_2)
    @DisplayName("Listing 5.2: calc_loss_batch is the cross entropy over all positions, and it back-propagates")
    void listing5_2_lossBatch() {
        manualSeed(1);
        GPTModel model = new GPTModel(SMALL.withDropRate(0.0));
        Tensor[] b = DataLoader.of(patternData(3, 0), 3, false, false).iterator().next();
        Tensor loss = Training.calcLossBatch(b[0], b[1], model);
        Tensor expected = Functional.crossEntropy(model.forward(b[0]).flatten(0, 1), b[1].flatten());
        assertThat(loss.shape()).as("the loss is a scalar").isEmpty();
        assertThat((double) loss.item()).isCloseTo(expected.item(), within(1e-6));
        loss.backward();
        assertThat(model.outHead().weight().grad()).as("out_head's gradient after backward()").isNotNull();
    }

    @Test
    @Checks(LISTING_5_2)
    @DisplayName("Listing 5.2: calc_loss_loader averages the first num_batches batches (all by default, at most the loader's), NaN when empty")
    void listing5_2_lossLoader() {
        manualSeed(2);
        GPTModel model = new GPTModel(SMALL.withDropRate(0.0));
        DataLoader<Tensor[], Tensor[]> loader = DataLoader.of(patternData(6, 0), 2, false, false);
        List<Double> losses = new ArrayList<>();
        try (var g = noGrad()) {
            for (Tensor[] b : loader) losses.add((double) dev.scratchllm.train.Training.calcLossBatch(b[0], b[1], model).item());
            assertThat(Training.calcLossLoader(loader, model, 2)).isCloseTo((losses.get(0) + losses.get(1)) / 2, within(1e-6));
            assertThat(Training.calcLossLoader(loader, model)).isCloseTo((losses.get(0) + losses.get(1) + losses.get(2)) / 3, within(1e-6));
            assertThat(Training.calcLossLoader(loader, model, 10)).isCloseTo((losses.get(0) + losses.get(1) + losses.get(2)) / 3, within(1e-6));
            assertThat(Training.calcLossLoader(DataLoader.of(patternData(1, 0), 2, false, true), model, 5)).as("an empty loader").isNaN();
        }
    }

    @Test
    @Tag("slow")
    @Checks(LISTING_5_2)
    @DisplayName("Listing 5.2: the book's example batch has loss 10.7940 (perplexity 48725.8203) with the untrained 124M model")
    void listing5_2_untrained124M() {
        Tensor inputs = tensor(new long[][] {{16833, 3626, 6100}, {40, 1107, 588}});
        Tensor targets = tensor(new long[][] {{3626, 6100, 345}, {1107, 588, 11311}});
        GPTModel model = model256();
        try (var g = noGrad()) {
            Tensor loss = Training.calcLossBatch(inputs, targets, model);
            assertThat(loss.toString()).isEqualTo("tensor(10.7940)");
            assertThat(loss.exp().toString()).isEqualTo("tensor(48725.8203)");
        }
    }

    @Test
    @Tag("slow")
    @Checks(LISTING_5_2)
    @DisplayName("Listing 5.2: the-verdict's validation loss before training is the book's 10.981")
    void listing5_2_untrainedValidationLoss() {
        String text = ExerciseData.theVerdict();
        int split = (int) (0.90 * text.length());
        DataLoader<Tensor[], Tensor[]> valLoader = dev.scratchllm.data.GPTDatasetV1.createDataloaderV1(text.substring(split), 2, 256, 256, false, false);
        GPTModel model = model256();
        double valLoss;
        try (var g = noGrad()) {
            valLoss = Training.calcLossLoader(valLoader, model);
        }
        assertThat(valLoss).isCloseTo(10.98110580444336, within(2e-5)); // the book prints 10.98110580444336
    }

    // ------------------------------------------------------------------ listing 5.3

    /** The training run of {@link #listing5_3_trainModelSimple()} with one implementation of the loop. */
    interface Loop {
        dev.scratchllm.train.Training.History run(Module model, DataLoader<?, Tensor[]> train, DataLoader<?, Tensor[]> val,
                                                  AdamW optimizer, dev.scratchllm.train.Training.Options o);
    }

    record Run(dev.scratchllm.train.Training.History history, String printed, boolean trainingAfter) {
    }

    static Run run(Loop loop) {
        manualSeed(123);
        GPTModel model = new GPTModel(SMALL);
        manualSeed(123);
        var trainLoader = DataLoader.of(patternData(6, 0), 2, true, true);
        var valLoader = DataLoader.of(patternData(4, 6), 2, false, false);
        AdamW optimizer = new AdamW(model.parameters(), 5e-3, 0.1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        var history = loop.run(model, trainLoader, valLoader, optimizer,
                new dev.scratchllm.train.Training.Options(2, 2, 1, out, epoch -> out.println("end of epoch " + (epoch + 1))));
        return new Run(history, bytes.toString(StandardCharsets.UTF_8), model.isTraining());
    }

    @Test
    @Checks(LISTING_5_3)
    @DisplayName("Listing 5.3: train_model_simple evaluates at steps 0, 2, 4, counts tokens, prints the book's lines and matches the library's run")
    void listing5_3_trainModelSimple() {
        Run ours = run(Training::trainModelSimple);
        var h = ours.history();
        assertThat(h.tokensSeen()).as("tokens seen at the evaluations (steps 0, 2, 4; 16 tokens a step)").containsExactly(16L, 48L, 80L);
        assertThat(h.trainLosses()).hasSize(3);
        assertThat(h.valLosses()).hasSize(3);
        assertThat(h.trainLosses().get(2)).as("the training loss falls").isLessThan(h.trainLosses().get(0));
        assertThat(ours.trainingAfter()).as("the model is back in train mode after the last evaluation").isTrue();
        assertThat(ours.printed()).startsWith("Ep 1 (Step 000000): Train loss ").contains("Ep 2 (Step 000004)").contains("end of epoch 2");

        Run reference = run(dev.scratchllm.train.Training::trainModelSimple);
        String hint = " (dropout and the loader's shuffling draw from the seeded generator: evaluate in eval mode without dropout,"
                + " go back to train mode, and iterate each loader once per calcLossLoader call)";
        for (int i = 0; i < 3; i++) {
            assertThat(h.trainLosses().get(i)).as("training loss of evaluation " + i + hint).isCloseTo(reference.history().trainLosses().get(i), within(1e-5));
            assertThat(h.valLosses().get(i)).as("validation loss of evaluation " + i + hint).isCloseTo(reference.history().valLosses().get(i), within(1e-5));
        }
        assertThat(ours.printed()).isEqualTo(reference.printed());
    }

    @Test
    @Checks(LISTING_5_3)
    @DisplayName("Listing 5.3: evaluate_model returns the training and validation losses over eval_iter batches, without dropout, and leaves train mode on")
    void listing5_3_evaluateModel() {
        manualSeed(3);
        GPTModel model = new GPTModel(SMALL);
        var trainLoader = DataLoader.of(patternData(6, 0), 2, false, false);
        var valLoader = DataLoader.of(patternData(4, 6), 2, false, false);
        model.train();
        double[] ours = Training.evaluateModel(model, trainLoader, valLoader, 2);
        assertThat(model.isTraining()).as("train mode after evaluate_model").isTrue();
        model.eval();
        try (var g = noGrad()) {
            assertThat(ours).containsExactly(new double[] {
                    dev.scratchllm.train.Training.calcLossLoader(trainLoader, model, 2),
                    dev.scratchllm.train.Training.calcLossLoader(valLoader, model, 2)}, within(1e-6));
        }
    }

    // ------------------------------------------------------------------ listing 5.4

    @Test
    @Checks(LISTING_5_4)
    @DisplayName("Listing 5.4: generate samples the book's counts at temperatures 1, 0.1 and 5 (1,000 draws after seed 123)")
    void listing5_4_temperature() {
        assertThat(sampled(1f, null)).as("temperature 1").containsExactly(73, 0, 0, 582, 2, 0, 0, 343, 0);
        assertThat(sampled(0.1f, null)).as("temperature 0.1").containsExactly(0, 0, 0, 985, 0, 0, 0, 15, 0);
        assertThat(sampled(5f, null)).as("temperature 5").containsExactly(165, 75, 42, 239, 71, 46, 32, 227, 103);
    }

    @Test
    @Checks(LISTING_5_4)
    @DisplayName("Listing 5.4: top-k 3 samples only closer, forward and toward, with the book's probabilities 0.0615, 0.5775, 0.3610")
    void listing5_4_topK() {
        Tensor topKProbas = tensor(new float[] {4.51f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 6.75f, Float.NEGATIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 6.28f, Float.NEGATIVE_INFINITY}).softmax(0);
        assertThat(topKProbas.toString()).isEqualTo("tensor([0.0615, 0.0000, 0.0000, 0.5775, 0.0000, 0.0000, 0.0000, 0.3610, 0.0000])");
        manualSeed(123);
        int[] expected = new int[9];
        for (int i = 0; i < 1000; i++) expected[(int) multinomial(topKProbas, 1).itemLong()]++;
        assertThat(sampled(1f, 3)).isEqualTo(expected);
    }

    @Test
    @Checks(LISTING_5_4)
    @DisplayName("Listing 5.4: temperature 0 is greedy, and generation stops before an eos_id")
    void listing5_4_greedyAndEos() {
        Tensor start = Tensor.ofLongs(new long[] {0, 1}, 1, 2);
        Tensor greedy = TextGeneration.generate(new ToyModel(2), start, 4, 2, 0f, null, null);
        assertThat(greedy.toLongArray()).containsExactly(0, 1, FORWARD, FORWARD, FORWARD, FORWARD);
        Tensor stopped = TextGeneration.generate(new ToyModel(2), start, 4, 2, 0f, null, (long) FORWARD);
        assertThat(stopped.toLongArray()).as("the next id is eos_id: nothing is appended").containsExactly(0, 1);
    }

    @Test
    @Tag("slow")
    @Checks(LISTING_5_4)
    @DisplayName("Listing 5.4: at temperature 0 the untrained 124M model gives the book's greedy text")
    void listing5_4_untrained124M() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        Tensor ids = TextGeneration.generate(model256(), dev.scratchllm.train.TextGeneration.textToTokenIds("Every effort moves you", tokenizer),
                10, 256, 0f, null, null);
        assertThat(tokenizer.decode(ids.squeeze(0).toIntArray())).isEqualTo(UNTRAINED_TEXT);
    }

    // ------------------------------------------------------------------ exercises

    @Test
    @Checks(EXERCISE_5_1)
    @DisplayName("Exercise 5.1: \"pizza\" is sampled 0 times at temperature 0.1 and 1, 32 times at 5 (\"forward\" 582 times at 1)")
    void exercise5_1_pizza() {
        Tensor logits = tensor(TOY_LOGITS);
        assertThat(Exercise5_1.sampledCount(logits, 1f, PIZZA)).isZero();
        assertThat(Exercise5_1.sampledCount(logits, 0.1f, PIZZA)).isZero();
        assertThat(Exercise5_1.sampledCount(logits, 5f, PIZZA)).isEqualTo(32);
        assertThat(Exercise5_1.sampledCount(logits, 1f, FORWARD)).isEqualTo(582);
    }

    @Test
    @Checks(EXERCISE_5_3)
    @DisplayName("Exercise 5.3: deterministic decoding gives the same (greedy) tokens whatever the seed")
    void exercise5_3_deterministic() {
        Tensor start = Tensor.ofLongs(new long[] {0}, 1, 1);
        manualSeed(1);
        Tensor a = Exercise5_3.deterministicGenerate(new ToyModel(2), start, 20, 2);
        manualSeed(2);
        Tensor b = Exercise5_3.deterministicGenerate(new ToyModel(2), start, 20, 2);
        assertThat(a.toLongArray()).containsExactly(b.toLongArray());
        assertThat(counts(a)[FORWARD]).as("every new token is the most likely one, \"forward\"").isEqualTo(20);
    }
}

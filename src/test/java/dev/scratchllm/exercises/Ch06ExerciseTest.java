// Chapter 6's exercises: SpamDataset (listing 6.4) and exercises 6.1 to 6.3 (padding to the
// context, the classifier surgery with all layers trainable, the loss on the first or last
// token), checked with the book's numbers (as book/Ch06Test) on small models. Tests that need the
// SMS Spam Collection skip without it. Runs against the library in the default build and against
// the learner's stubs with -Pexercises.
package dev.scratchllm.exercises;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.exercises.ch06.Classification;
import dev.scratchllm.exercises.ch06.Exercise6_1;
import dev.scratchllm.exercises.ch06.SpamDataset;
import dev.scratchllm.finetune.LabeledText;
import dev.scratchllm.finetune.SpamData;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static dev.scratchllm.exercises.Exercise.EXERCISE_6_1;
import static dev.scratchllm.exercises.Exercise.EXERCISE_6_2;
import static dev.scratchllm.exercises.Exercise.EXERCISE_6_3;
import static dev.scratchllm.exercises.Exercise.LISTING_6_4;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ExerciseReport.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // by name: a listing's quick checks before its slow ones ("untrained...")
@DisplayName("Exercises, chapter 6: Fine-tuning for classification")
class Ch06ExerciseTest {
    /** The book's tiny test configuration with 16-dimensional embeddings and 2 layers. */
    static final GPTConfig TINY = new GPTConfig(50257, 120, 16, 2, 2, 0.0, false);

    static final List<LabeledText> ROWS = List.of(new LabeledText(1, "one two three four five six"), new LabeledText(0, "hi"));

    @Test
    @Checks(LISTING_6_4)
    @DisplayName("Listing 6.4: max_length 3 cuts the first message and pads the second with 50256; without it the longest message sets the length")
    void listing6_4_truncateAndPad() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        SpamDataset ds = new SpamDataset(ROWS, tokenizer, 3, 50256);
        assertThat(ds.maxLength()).isEqualTo(3);
        assertThat(ds.encodedText(0)).containsExactly(505, 734, 1115);
        assertThat(ds.encodedText(1)).containsExactly(5303, 50256, 50256);
        Tensor[] first = ds.get(0);
        assertThat(first[0].shape()).containsExactly(3);
        assertThat(first[1].itemLong()).isEqualTo(1);
        SpamDataset longest = new SpamDataset(ROWS, tokenizer, null, 50256);
        assertThat(longest.maxLength()).isEqualTo(6);
        assertThat(longest.encodedText(1)).containsExactly(5303, 50256, 50256, 50256, 50256, 50256);
    }

    @Test
    @Checks(LISTING_6_4)
    @DisplayName("Listing 6.4: the book's split: the longest training message has 120 tokens; 1,045 / 149 / 300 examples")
    void listing6_4_withSpamData() {
        ExerciseData.assumeBookFile(SpamData.DATA_FILE);
        SpamData.Split<dev.scratchllm.finetune.SmsMessage> s = SpamData.randomSplit(SpamData.createBalancedDataset(SpamData.load()), 0.7, 0.1);
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        SpamDataset train = new SpamDataset(SpamData.toLabeled(s.train()), tokenizer, null, 50256);
        SpamDataset val = new SpamDataset(SpamData.toLabeled(s.validation()), tokenizer, train.maxLength(), 50256);
        SpamDataset test = new SpamDataset(SpamData.toLabeled(s.test()), tokenizer, train.maxLength(), 50256);
        assertThat(train.maxLength()).isEqualTo(120);
        assertThat(List.of(train.size(), val.size(), test.size())).containsExactly(1045, 149, 300);
        int[] first = train.encodedText(0); // "Dude how do you like the buff wind."
        assertThat(Arrays.copyOf(first, 10)).containsExactly(tokenizer.encode("Dude how do you like the buff wind."));
        assertThat(first[10]).isEqualTo(50256);
        assertThat(first).hasSize(120);
        manualSeed(123);
        Tensor[] batch = DataLoader.of(train, 8, true, true).iterator().next();
        assertThat(batch[0].shape()).containsExactly(8, 120);
        assertThat(batch[1].shape()).containsExactly(8);
    }

    @Test
    @Checks(EXERCISE_6_1)
    @DisplayName("Exercise 6.1: padded to the context length, every example has 1,024 tokens: the message, then 50256")
    void exercise6_1_fullContext() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        SpamDataset ds = Exercise6_1.paddedToContext(ROWS, tokenizer, 1024);
        assertThat(ds.maxLength()).isEqualTo(1024);
        for (int i = 0; i < ROWS.size(); i++) {
            int[] ids = ds.encodedText(i), text = tokenizer.encode(ROWS.get(i).text());
            assertThat(ids).hasSize(1024);
            assertThat(Arrays.copyOf(ids, text.length)).containsExactly(text);
            assertThat(Arrays.copyOfRange(ids, text.length, 1024)).containsOnly(50256);
        }
    }

    @Test
    @Checks(EXERCISE_6_2)
    @DisplayName("Exercise 6.2: the surgery freezes all but the last block, the final norm and a new seeded 2-class head; trainAllLayers frees everything")
    void exercise6_2_surgery() {
        manualSeed(123);
        GPTModel model = new GPTModel(TINY);
        Linear head = Classification.prepareForClassification(model, 2, 123, false);
        assertThat(model.outHead()).isSameAs(head);
        assertThat(head.outFeatures()).isEqualTo(2);
        assertThat(model.stateDict()).containsKeys("out_head.weight", "out_head.bias");
        assertThat(model.numTrainableParameters()).isEqualTo(model.trfBlock(1).numParameters() + 2 * 16 + (16 * 2 + 2));
        assertThat(model.trfBlock(0).numTrainableParameters()).as("the first block stays frozen").isZero();
        manualSeed(123);
        assertThat(head.weight().toFloatArray()).as("the head is a fresh Linear(16, 2) after manualSeed(123)")
                .containsExactly(new Linear(16, 2).weight().toFloatArray());

        manualSeed(123);
        GPTModel all = new GPTModel(TINY);
        Classification.prepareForClassification(all, 2, 123, true);
        assertThat(all.numTrainableParameters()).isEqualTo(all.numParameters());
    }

    @Test
    @Checks(EXERCISE_6_3)
    @DisplayName("Exercise 6.3: calc_loss_batch is the cross entropy of the last token's logits, or of the first token's")
    void exercise6_3_tokenPosition() {
        manualSeed(123);
        GPTModel model = new GPTModel(TINY);
        dev.scratchllm.finetune.Classification.prepareForClassification(model, 2, 123, false);
        model.eval();
        var ds = new dev.scratchllm.finetune.SpamDataset(List.of(new LabeledText(0, "Hey, see you later"),
                new LabeledText(1, "WIN a FREE prize now, call 0800")), GPT2Tokenizer.load(), null, 50256); // the library's: 6.3 alone
        Tensor[] batch = DataLoader.of(ds, 2, false, false).iterator().next();
        try (var g = noGrad()) {
            Tensor logits = model.forward(batch[0]); // (2, T, 2)
            float last = Functional.crossEntropy(logits.select(1, -1), batch[1]).item();
            float first = Functional.crossEntropy(logits.select(1, 0), batch[1]).item();
            assertThat(Classification.calcLossBatch(batch[0], batch[1], model, Classification.LAST_TOKEN).item()).isEqualTo(last);
            assertThat(Classification.calcLossBatch(batch[0], batch[1], model, Classification.FIRST_TOKEN).item()).isEqualTo(first);
            assertThat(first).as("the two positions give different losses").isNotEqualTo(last);
        }
    }
}

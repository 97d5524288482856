// Chapter 7's exercises: the Alpaca prompt (listing 7.2), custom_collate_fn (listing 7.5), the
// Phi-3 prompt (exercise 7.1) and instruction masking (exercise 7.2), checked with the book's
// strings and batches (as book/Ch07Test). No data files needed. Runs against the library in the
// default build and against the learner's stubs with -Pexercises.
package dev.scratchllm.exercises;

import dev.scratchllm.exercises.ch07.Collate;
import dev.scratchllm.exercises.ch07.InstructionData;
import dev.scratchllm.finetune.InstructionDatasetWithMasking;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.scratchllm.exercises.Exercise.EXERCISE_7_1;
import static dev.scratchllm.exercises.Exercise.EXERCISE_7_2;
import static dev.scratchllm.exercises.Exercise.LISTING_7_2;
import static dev.scratchllm.exercises.Exercise.LISTING_7_5;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ExerciseReport.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // by name: a listing's quick checks before its slow ones ("untrained...")
@DisplayName("Exercises, chapter 7: Fine-tuning to follow instructions")
class Ch07ExerciseTest {
    /** The book's example batch of section 7.3. */
    static final List<int[]> BATCH = List.of(new int[] {0, 1, 2, 3, 4}, new int[] {5, 6}, new int[] {7, 8, 9});
    /** Entries 50 and 999 of instruction-data.json. */
    static final InstructionEntry WITH_INPUT = new InstructionEntry("Identify the correct spelling of the following word.", "Ocassion",
            "The correct spelling is 'Occasion.'");
    static final InstructionEntry WITHOUT_INPUT = new InstructionEntry("What is an antonym of 'complicated'?", "",
            "An antonym of 'complicated' is 'simple'.");

    @Test
    @Checks(LISTING_7_2)
    @DisplayName("Listing 7.2: format_input with an input section, and without one")
    void listing7_2_formatInput() {
        assertThat(InstructionData.formatInput(WITH_INPUT) + "\n\n### Response:\n" + WITH_INPUT.output()).isEqualTo("""
                Below is an instruction that describes a task. Write a response that appropriately completes the request.

                ### Instruction:
                Identify the correct spelling of the following word.

                ### Input:
                Ocassion

                ### Response:
                The correct spelling is 'Occasion.'""");
        assertThat(InstructionData.formatInput(WITHOUT_INPUT) + "\n\n### Response:\n" + WITHOUT_INPUT.output()).isEqualTo("""
                Below is an instruction that describes a task. Write a response that appropriately completes the request.

                ### Instruction:
                What is an antonym of 'complicated'?

                ### Response:
                An antonym of 'complicated' is 'simple'.""");
    }

    @Test
    @Checks(LISTING_7_5)
    @DisplayName("Listing 7.5: custom_collate_fn pads with 50256 and turns every padding target after the first into -100")
    void listing7_5_customCollate() {
        Tensor[] io = Collate.customCollate(BATCH, 50256, -100, null);
        assertThat(io[0].toString()).isEqualTo("""
                tensor([[    0,     1,     2,     3,     4],
                        [    5,     6, 50256, 50256, 50256],
                        [    7,     8,     9, 50256, 50256]])""");
        assertThat(io[1].toString()).isEqualTo("""
                tensor([[    1,     2,     3,     4, 50256],
                        [    6, 50256,  -100,  -100,  -100],
                        [    8,     9, 50256,  -100,  -100]])""");
    }

    @Test
    @Checks(LISTING_7_5)
    @DisplayName("Listing 7.5: allowed_max_length 3 keeps three positions of inputs and targets")
    void listing7_5_allowedMaxLength() {
        Tensor[] cut = Collate.customCollate(BATCH, 50256, -100, 3);
        assertThat(cut[0].toString()).isEqualTo("""
                tensor([[    0,     1,     2],
                        [    5,     6, 50256],
                        [    7,     8,     9]])""");
        assertThat(cut[1].toString()).isEqualTo("""
                tensor([[    1,     2,     3],
                        [    6, 50256,  -100],
                        [    8,     9, 50256]])""");
    }

    @Test
    @Checks(EXERCISE_7_1)
    @DisplayName("Exercise 7.1: the Phi-3 prompt style <|user|> ... <|assistant|>:")
    void exercise7_1_phi3() {
        assertThat(InstructionData.formatInputPhi(WITH_INPUT) + InstructionData.formatResponsePhi(WITH_INPUT)).isEqualTo("""
                <|user|>
                Identify the correct spelling of the following word.
                Ocassion
                <|assistant|>:
                The correct spelling is 'Occasion.'""");
        assertThat(InstructionData.formatInputPhi(WITHOUT_INPUT)).isEqualTo("<|user|>\nWhat is an antonym of 'complicated'?");
    }

    @Test
    @Checks(EXERCISE_7_2)
    @DisplayName("Exercise 7.2: masking sets the first instruction_length - 1 targets of each row to -100 as well")
    void exercise7_2_masking() {
        List<InstructionDatasetWithMasking.Item> items = List.of(new InstructionDatasetWithMasking.Item(2, BATCH.get(0)),
                new InstructionDatasetWithMasking.Item(1, BATCH.get(1)), new InstructionDatasetWithMasking.Item(3, BATCH.get(2)));
        Tensor[] io = Collate.customCollateWithMasking(items, 50256, -100, null);
        assertThat(io[0].toString()).isEqualTo(Collate.customCollate(BATCH, 50256, -100, null)[0].toString());
        assertThat(io[1].toString()).isEqualTo("""
                tensor([[ -100,     2,     3,     4, 50256],
                        [    6, 50256,  -100,  -100,  -100],
                        [ -100,  -100, 50256,  -100,  -100]])""");
    }

    @Test
    @Checks(EXERCISE_7_2)
    @DisplayName("Exercise 7.2: on a real prompt only the response and its end token keep their targets")
    void exercise7_2_realPrompt() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        InstructionEntry e = new InstructionEntry("Name the author of 'Pride and Prejudice'.", "", "Jane Austen.");
        var item = new InstructionDatasetWithMasking(List.of(e), tokenizer).get(0);
        int instructionLength = item.instructionLength();
        long[] targets = Collate.customCollateWithMasking(List.of(item), 50256, -100, null)[1].toLongArray();
        for (int i = 0; i < instructionLength - 1; i++) assertThat(targets[i]).as("target %d (inside the instruction)", i).isEqualTo(-100);
        assertThat(targets[instructionLength - 1]).isEqualTo(item.ids()[instructionLength]);
        assertThat(targets[targets.length - 1]).isEqualTo(50256);
    }
}

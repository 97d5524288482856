// Listing 6.4 as an exercise: the spam data set, every message tokenized and brought to one length.
// You write: the constructor. Given: the accessors, which read what the constructor stores.
// Check it: mvn test -Pexercises -Dtest='Ch06ExerciseTest#listing6_4*'   Guide: docs/ch06.md#listing-6-4
// Reference solution: dev.scratchllm.finetune.SpamDataset (the constructor over rows in memory and
// its helper longestEncodedLength).
package dev.scratchllm.exercises.ch06;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.finetune.LabeledText;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.Arrays;
import java.util.List;

/** The book's {@code SpamDataset(csv_file, tokenizer, max_length=None, pad_token_id=50256)}, over rows already read. */
public class SpamDataset implements Dataset<Tensor[]> {
    /** The rows (label and text). */
    private final List<LabeledText> data;
    /** Every message's token ids, all of length {@link #maxLength}. */
    private final int[][] encodedTexts;
    /** The common length. */
    private final int maxLength;

    /**
     * TODO: keep {@code data}; encode every row's {@code text()} with {@code tokenizer.encode};
     * the common length is {@code maxLength}, or, when it is null, the longest encoded message's
     * length; cut longer messages to that length and pad shorter ones at the end with
     * {@code padTokenId}; store the arrays and the length in the fields above.
     */
    public SpamDataset(List<LabeledText> data, GPT2Tokenizer tokenizer, Integer maxLength, int padTokenId) {
        throw new ExerciseNotDoneException(Exercise.LISTING_6_4);
    }

    /** Given: the common length of every example. */
    public int maxLength() {
        return maxLength;
    }

    @Override
    public int size() {
        return data.size();
    }

    /** Given: {@code {ids (maxLength) int64, label () int64}}. */
    @Override
    public Tensor[] get(int index) {
        long[] ids = Arrays.stream(encodedTexts[index]).asLongStream().toArray();
        return new Tensor[] {Tensor.ofLongs(ids, ids.length), Tensor.ofLongs(new long[] {data.get(index).label()})};
    }

    /** Given: the padded ids of example {@code index} (a copy). */
    public int[] encodedText(int index) {
        return encodedTexts[index].clone();
    }
}

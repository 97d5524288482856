// Listing 2.5 as an exercise: the sliding window that turns one long text into input chunks and
// their next-token targets. You write: the constructor. Given: size, get and
// createDataloaderV1 (listing 2.6, which wraps your data set in a DataLoader).
// Check it: mvn test -Pexercises -Dtest='Ch02ExerciseTest#listing2_5*'   Guide: docs/ch02.md#listing-2-5
// Reference solution: dev.scratchllm.data.GPTDatasetV1.
package dev.scratchllm.exercises.ch02;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.Dataset;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The book's {@code GPTDatasetV1(txt, tokenizer, max_length, stride)}: example {@code i} is {@code {input, target}}. */
public class GPTDatasetV1 implements Dataset<Tensor[]> {
    private final List<Tensor> inputIds = new ArrayList<>();
    private final List<Tensor> targetIds = new ArrayList<>();

    /**
     * TODO: tokenize {@code txt} with {@code tokenizer.encode(txt, Set.of("<|endoftext|>"))}; then for
     * every start {@code i = 0, stride, 2·stride, …} while {@code i < tokens - maxLength} (Python's
     * {@code range(0, len(token_ids) - max_length, stride)}) add the input chunk
     * {@code ids[i, i + maxLength)} to {@code inputIds} and the target chunk
     * {@code ids[i + 1, i + maxLength + 1)} to {@code targetIds}, each as an int64 tensor of shape
     * {@code (maxLength)} ({@code Tensor.ofLongs(values, maxLength)}).
     */
    public GPTDatasetV1(String txt, GPT2Tokenizer tokenizer, int maxLength, int stride) {
        throw new ExerciseNotDoneException(Exercise.LISTING_2_5);
    }

    @Override
    public int size() {
        return inputIds.size();
    }

    @Override
    public Tensor[] get(int index) {
        return new Tensor[] {inputIds.get(index), targetIds.get(index)};
    }

    /** Given: listing 2.6's {@code create_dataloader_v1} over your data set, with GPT-2's tokenizer. */
    public static DataLoader<Tensor[], Tensor[]> createDataloaderV1(String txt, int batchSize, int maxLength, int stride,
                                                                     boolean shuffle, boolean dropLast) {
        return DataLoader.of(new GPTDatasetV1(txt, GPT2Tokenizer.load(), maxLength, stride), batchSize, shuffle, dropLast);
    }
}

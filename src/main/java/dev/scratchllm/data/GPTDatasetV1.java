package dev.scratchllm.data;

import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The book's {@code GPTDatasetV1} (listing 2.5): tokenizes a whole text once (allowing
 * {@code <|endoftext|>}) and cuts it with a sliding window into input chunks of
 * {@code maxLength} tokens, each paired with the same chunk shifted by one token as the
 * next-token targets; windows start every {@code stride} tokens. Example {@code i} is
 * {@code {input (maxLength), target (maxLength)}} as int64 tensors.
 */
public class GPTDatasetV1 implements Dataset<Tensor[]> {
    private final List<Tensor> inputIds = new ArrayList<>();
    private final List<Tensor> targetIds = new ArrayList<>();

    /**
     * Tokenizes {@code txt} and cuts it into overlapping input and target windows.
     *
     * @param txt the text
     * @param tokenizer the tokenizer ({@code <|endoftext|>} is allowed in the text)
     * @param maxLength tokens per window, at least 1
     * @param stride the step between window starts, at least 1
     * @throws IllegalArgumentException if {@code maxLength} or {@code stride} is not positive
     */
    public GPTDatasetV1(String txt, GPT2Tokenizer tokenizer, int maxLength, int stride) {
        if (maxLength < 1 || stride < 1)
            throw new IllegalArgumentException("GPTDatasetV1: maxLength and stride must be positive, got " + maxLength + " and " + stride);
        int[] tokenIds = tokenizer.encode(txt, Set.of("<|endoftext|>"));
        // for i in range(0, len(token_ids) - max_length, stride)
        for (int i = 0; i < tokenIds.length - maxLength; i += stride) {
            long[] in = new long[maxLength], tg = new long[maxLength];
            for (int j = 0; j < maxLength; j++) {
                in[j] = tokenIds[i + j];
                tg[j] = tokenIds[i + j + 1];
            }
            inputIds.add(Tensor.ofLongs(in, maxLength));
            targetIds.add(Tensor.ofLongs(tg, maxLength));
        }
    }

    @Override
    public int size() {
        return inputIds.size();
    }

    @Override
    public Tensor[] get(int index) {
        return new Tensor[] {inputIds.get(index), targetIds.get(index)};
    }

    /**
     * The book's {@code create_dataloader_v1} (listing 2.6) with its defaults: batch size 4,
     * max length 256, stride 128, shuffled, last short batch dropped, GPT-2 tokenizer.
     *
     * @param txt the training text
     * @return the loader, shuffling with the default generator
     */
    public static DataLoader<Tensor[], Tensor[]> createDataloaderV1(String txt) {
        return createDataloaderV1(txt, 4, 256, 128, true, true);
    }

    /**
     * {@code create_dataloader_v1(txt, batch_size, max_length, stride, shuffle, drop_last, num_workers=0)}.
     *
     * @param txt the training text
     * @param batchSize windows per batch
     * @param maxLength tokens per window
     * @param stride the step between window starts
     * @param shuffle whether to shuffle each epoch
     * @param dropLast whether to drop a short last batch
     * @return the loader, shuffling with the default generator
     */
    public static DataLoader<Tensor[], Tensor[]> createDataloaderV1(String txt, int batchSize, int maxLength, int stride,
                                                                     boolean shuffle, boolean dropLast) {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        return DataLoader.of(new GPTDatasetV1(txt, tokenizer, maxLength, stride), batchSize, shuffle, dropLast);
    }
}

// Listings 5.1 and 5.4 as exercises: text to token ids and back, and decoding with temperature,
// top-k and an end-of-sequence id. You write: textToTokenIds, tokenIdsToText (5.1) and generate (5.4).
// Check them: mvn test -Pexercises -Dtest='Ch05ExerciseTest#listing5_1*' (or #listing5_4*)
// Guides: docs/ch05.md#listing-5-1, docs/ch05.md#listing-5-4
// Reference solutions: dev.scratchllm.train.TextGeneration (for generate: its loop without the
// KV-cache branch).
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.List;
import java.util.Set;

/** Chapter 5's text helpers and {@code generate}. */
public final class TextGeneration {
    private TextGeneration() {
    }

    /**
     * TODO (listing 5.1): {@code text}'s ids ({@code tokenizer.encode(text, Set.of("<|endoftext|>"))})
     * as an int64 tensor with a batch dimension: shape {@code (1, n)} ({@code Tensor.ofLongs(values, 1, n)}).
     */
    public static Tensor textToTokenIds(String text, GPT2Tokenizer tokenizer) {
        throw new ExerciseNotDoneException(Exercise.LISTING_5_1);
    }

    /** TODO (listing 5.1): decode a {@code (1, n)} (or {@code (n)}) id tensor: drop the batch dimension, {@code toIntArray()}, {@code tokenizer.decode}. */
    public static String tokenIdsToText(Tensor tokenIds, GPT2Tokenizer tokenizer) {
        throw new ExerciseNotDoneException(Exercise.LISTING_5_1);
    }

    /**
     * TODO (listing 5.4): {@code maxNewTokens} times: crop {@code idx} to the last
     * {@code contextSize} tokens; the model's logits for the last position without a graph
     * ({@code GradMode.noGrad()}), {@code (b, vocab)}; with {@code topK}, set every logit below the
     * k-th largest ({@code logits.topk(topK, -1)}) to {@code -inf} ({@code Tensor.where}); with
     * {@code temperature > 0}, sample the next id from {@code softmax(logits / temperature)} with
     * {@code ScratchLLM.multinomial(probs, 1)}, otherwise take the arg-max ({@code (b, 1)}); stop
     * (without appending) when the next id is {@code eosId}; else append it.
     *
     * @param topK keep only the k largest logits, or null for all
     * @param eosId stop when this id comes next, or null
     */
    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize, float temperature, Integer topK, Long eosId) {
        throw new ExerciseNotDoneException(Exercise.LISTING_5_4);
    }
}

// Reference adapter for listings 5.1 and 5.4 (default build only): forwards to the library's
// TextGeneration.
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

/** {@link dev.scratchllm.train.TextGeneration}'s helpers and {@code generate}. */
public final class TextGeneration {
    private TextGeneration() {
    }

    public static Tensor textToTokenIds(String text, GPT2Tokenizer tokenizer) {
        return dev.scratchllm.train.TextGeneration.textToTokenIds(text, tokenizer);
    }

    public static String tokenIdsToText(Tensor tokenIds, GPT2Tokenizer tokenizer) {
        return dev.scratchllm.train.TextGeneration.tokenIdsToText(tokenIds, tokenizer);
    }

    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize, float temperature, Integer topK, Long eosId) {
        return dev.scratchllm.train.TextGeneration.generate(model, idx, maxNewTokens, contextSize, temperature, topK, eosId);
    }
}

package dev.scratchllm.train;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.gpt.KVCache;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.List;
import java.util.Set;

/**
 * Chapter 5's text helpers and decoding: {@code textToTokenIds}/{@code tokenIdsToText}
 * (a batch of one), {@code softmaxWithTemperature}, and {@code generate} with the book's
 * semantics — crop to the context, take the last position's logits, keep the top-k (others
 * set to −∞), divide by the temperature and sample with PyTorch's {@code multinomial} draw
 * (greedy arg-max at temperature 0), stop early at {@code eosId}. Sampling uses the default
 * generator, so seeded runs print the book's text.
 */
public final class TextGeneration {
    private TextGeneration() {
    }

    /**
     * {@code text_to_token_ids}: ids of {@code text} (allowing {@code <|endoftext|>}) as a (1, n) int64
     * tensor.
     *
     * @param text the text
     * @param tokenizer the GPT-2 tokenizer
     * @return the ids, shape {@code (1, n)}
     */
    public static Tensor textToTokenIds(String text, GPT2Tokenizer tokenizer) {
        int[] ids = tokenizer.encode(text, Set.of("<|endoftext|>"));
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return Tensor.ofLongs(l, 1, ids.length); // (1, n): add the batch dimension
    }

    /**
     * {@code token_ids_to_text}: decodes a (1, n) or (n) id tensor.
     *
     * @param tokenIds the ids, shape {@code (1, n)} or {@code (n)}
     * @param tokenizer the GPT-2 tokenizer
     * @return the text
     */
    public static String tokenIdsToText(Tensor tokenIds, GPT2Tokenizer tokenizer) {
        Tensor flat = tokenIds.dim() == 2 ? tokenIds.squeeze(0) : tokenIds; // remove the batch dimension
        return tokenizer.decode(flat.toIntArray());
    }

    /**
     * {@code softmax_with_temperature(logits, temperature)}: {@code softmax(logits / T)}.
     *
     * @param logits the logits, one dimension
     * @param temperature the temperature
     * @return the probabilities
     */
    public static Tensor softmaxWithTemperature(Tensor logits, float temperature) {
        return logits.div(temperature).softmax(0);
    }

    /**
     * Greedy decoding, the book's {@code generate} with temperature 0 and no top-k.
     *
     * @param model the language model
     * @param idx the context, int64, shape {@code (b, n)}
     * @param maxNewTokens the number of tokens to append
     * @param contextSize the most tokens the model sees at once
     * @return the context with the new tokens appended, {@code (b, n + maxNewTokens)}
     */
    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        return generate(model, idx, maxNewTokens, contextSize, 0f, null, null);
    }

    /**
     * {@code generate(model, idx, max_new_tokens, context_size, temperature, top_k, eos_id)}.
     *
     * @param idx (b, n) int64 context
     * @param topK keep only the k largest logits, or null
     * @param eosId stop when this id is produced (not appended), or null
     * @param model the language model
     * @param maxNewTokens the most tokens to append
     * @param contextSize the most tokens the model sees at once
     * @param temperature 0 for greedy decoding, above 0 to sample from {@code softmax(logits / temperature)}
     * @return the context with the new tokens appended
     */
    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize, float temperature, Integer topK, Long eosId) {
        return generate(model, idx, maxNewTokens, contextSize, temperature, topK, eosId, true);
    }

    /**
     * {@link #generate(Module, Tensor, int, int, float, Integer, Long)} with the KV cache on or
     * off. With {@code kvCache} and a {@link GPTModel} in eval mode, the prompt is processed once
     * and each new token costs one position; once the sequence outgrows the context window the
     * cache no longer applies (the window slides) and decoding continues without it. Both paths
     * give the same tokens up to float rounding.
     *
     * @param model the language model
     * @param idx the context, int64, shape {@code (b, n)}
     * @param maxNewTokens the most tokens to append
     * @param contextSize the most tokens the model sees at once
     * @param temperature 0 for greedy decoding, above 0 to sample from {@code softmax(logits / temperature)}
     * @param topK keep only the k largest logits, or null
     * @param eosId stop when this id is produced (batch of one only; not appended), or null
     * @param kvCache whether to use a KV cache when the model allows it
     * @return the context with the new tokens appended
     * @throws IllegalArgumentException if {@code idx} is not two-dimensional
     */
    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize, float temperature, Integer topK, Long eosId,
                                  boolean kvCache) {
        if (idx.dim() != 2) throw new IllegalArgumentException("generate: idx must be (batch, tokens), got " + java.util.Arrays.toString(idx.shape()));
        Stepper stepper = new Stepper(model, kvCache);
        for (int step = 0; step < maxNewTokens; step++) {
            Tensor logits = stepper.lastLogits(idx, contextSize); // (b, vocab): the last position only
            if (topK != null) {
                Tensor topLogits = logits.topk(topK, -1).values(); // (b, k)
                Tensor minVal = topLogits.select(1, -1).unsqueeze(1); // (b, 1)
                logits = Tensor.where(logits.lt(minVal), Tensor.scalar(Float.NEGATIVE_INFINITY), logits);
            }
            Tensor idxNext;
            if (temperature > 0f) {
                Tensor probs = logits.div(temperature).softmax(-1); // (b, vocab)
                idxNext = ScratchLLM.multinomial(probs, 1); // (b, 1)
            } else {
                idxNext = logits.argmax(-1, true); // (b, 1)
            }
            if (eosId != null && idxNext.numel() == 1 && idxNext.itemLong() == eosId) break;
            idx = Tensor.cat(List.of(idx, idxNext), 1); // (b, n + 1)
        }
        return idx;
    }

    /**
     * The KV-cache decode loop of {@link #generate(Module, Tensor, int, int, float, Integer, Long, boolean)}
     * for a batch of one, with the choice of each next token and a per-token hook left to the
     * caller: the HTTP server samples with a generator and settings of each request's own and
     * streams every token as it comes. The window slides (without the cache) past the context
     * length, as in the book's {@code generate}.
     *
     * @param model the language model (a {@link GPTModel} in eval mode uses the KV cache)
     * @param idx the context, int64, shape {@code (1, n)}
     * @param maxNewTokens the most tokens to append
     * @param contextSize the most tokens the model sees at once
     * @param eosId stop when this id is picked (not appended, not passed to {@code onToken}), or null
     * @param nextToken picks the next id from the last position's logits, shape {@code (1, vocab)}
     * @param onToken called with each new id; returning false stops generation after that token
     * @return the context with the new tokens appended
     * @throws IllegalArgumentException if {@code idx} is not of shape {@code (1, n)}
     */
    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize, Long eosId,
                                  java.util.function.ToLongFunction<Tensor> nextToken, java.util.function.LongPredicate onToken) {
        if (idx.dim() != 2 || idx.size(0) != 1)
            throw new IllegalArgumentException("generate: idx must be (1, tokens) with a per-token hook, got " + java.util.Arrays.toString(idx.shape()));
        Stepper stepper = new Stepper(model, true);
        for (int step = 0; step < maxNewTokens; step++) {
            long next = nextToken.applyAsLong(stepper.lastLogits(idx, contextSize)); // (1, vocab): the last position only
            if (eosId != null && next == eosId) break;
            idx = Tensor.cat(List.of(idx, Tensor.ofLongs(new long[] {next}, 1, 1)), 1); // (1, n + 1)
            if (!onToken.test(next)) break;
        }
        return idx;
    }

    /**
     * The forward step both loops share: the logits of the last position, through the KV cache
     * while the sequence fits the context (the prompt once, then one token per step), and
     * without it over the sliding window once it does not.
     */
    private static final class Stepper {
        private final Module model;
        private final GPTModel gpt;
        private KVCache cache;

        Stepper(Module model, boolean useCache) {
            this.model = model;
            this.gpt = useCache && model instanceof GPTModel g && !g.isTraining() ? g : null;
        }

        Tensor lastLogits(Tensor idx, int contextSize) {
            int n = idx.size(1);
            Tensor logits;
            try (var g = GradMode.noGrad()) {
                if (gpt != null && n <= Math.min(contextSize, gpt.config().contextLength())) {
                    if (cache == null) {
                        cache = gpt.newCache();
                        logits = gpt.forward(idx, cache);                  // the prompt, once
                    } else {
                        logits = gpt.forward(idx.slice(1, n - 1, n), cache); // (b, 1): only the newest token
                    }
                } else {
                    Tensor idxCond = idx.slice(1, Math.max(0, n - contextSize), n); // (b, min(n, context))
                    logits = model.forward(idxCond);
                }
            }
            return logits.select(1, -1); // (b, vocab)
        }
    }
}

/*
 * Gpt2Backend: serves a GPTModel (GPT-2's weights, a pretraining checkpoint, or an instruction
 * model from chapter 7), or GPT-2 weights saved by GPTInferenceFile, with the GPT-2 tokenizer: a CausalLMBackend over GPTInference, one
 * GPTInference per concurrent request, siblings of the first (float32 shares the model's arrays;
 * BF16/Q8_0 are converted once and shared). It stops at <|endoftext|>. The chat format is the caller's choice (Alpaca for an
 * instruction model, a transcript for a base model).
 */
package dev.scratchllm.serve;

import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.infer.GPTInference;
import dev.scratchllm.infer.WeightFormat;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

/** A {@link ModelBackend} for {@link GPTModel}. */
public final class Gpt2Backend extends CausalLMBackend {
    /**
     * A float32 backend; the model is put in eval mode.
     *
     * @param id the model's name in the APIs
     * @param model the model
     * @param tokenizer GPT-2's tokenizer
     * @param format the chat format
     */
    public Gpt2Backend(String id, GPTModel model, GPT2Tokenizer tokenizer, ChatFormat format) {
        this(id, model, tokenizer, format, WeightFormat.F32);
    }

    /**
     * A backend in a weight format; the model is put in eval mode.
     *
     * @param id the model's name in the APIs
     * @param model the model
     * @param tokenizer GPT-2's tokenizer
     * @param format the chat format
     * @param weights how the inference path stores the matrices
     */
    public Gpt2Backend(String id, GPTModel model, GPT2Tokenizer tokenizer, ChatFormat format, WeightFormat weights) {
        this(new Info(id, "gpt2", model.numParameters(), model.config().contextLength()), evalInference(model, weights), tokenizer, format);
    }

    /**
     * A backend over an inference model that has no {@link GPTModel} behind it (weights read by
     * {@link dev.scratchllm.infer.GPTInferenceFile#load}, in their stored format).
     *
     * @param id the model's name in the APIs
     * @param first the inference model; concurrent requests get siblings of it
     * @param tokenizer GPT-2's tokenizer
     * @param format the chat format
     */
    public Gpt2Backend(String id, GPTInference first, GPT2Tokenizer tokenizer, ChatFormat format) {
        this(new Info(id, "gpt2", first.parameterCount(), first.config().contextLength()), first, tokenizer, format);
    }

    /** Each further concurrent request gets a sibling of the first instance: its own cache, the same (converted once) weights. */
    private Gpt2Backend(Info info, GPTInference first, GPT2Tokenizer tokenizer, ChatFormat format) {
        super(info, first, () -> first.sibling(1, first.capacity()), vocabulary(tokenizer), format);
    }

    private static GPTInference evalInference(GPTModel model, WeightFormat weights) {
        model.eval();
        return new GPTInference(model, weights, 1, model.config().contextLength());
    }

    /**
     * GPT-2's vocabulary: ordinary encoding, {@code <|endoftext|>} as the empty prompt and the stop id.
     *
     * @param tokenizer the tokenizer
     * @return the vocabulary
     */
    public static Vocabulary vocabulary(GPT2Tokenizer tokenizer) {
        int eot = tokenizer.eotToken();
        return new Vocabulary(tokenizer::encodeOrdinary, id -> tokenizer.decodeBytes(new int[] {id}), new int[] {eot}, new int[] {eot});
    }
}

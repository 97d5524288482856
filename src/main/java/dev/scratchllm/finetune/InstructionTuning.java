/*
 * InstructionTuning: chapter 7's use of a fine-tuned model (sections 7.5 and 7.7): generate a
 * response to an entry's prompt greedily with <|endoftext|> as the stop token, extract the
 * response text, and fill in model_response for a list of entries (the test set that becomes
 * instruction-data-with-response.json). Training itself is chapter 5's trainModelSimple over
 * loaders built with InstructionDataset and Collate.
 *
 * It does not score responses (OllamaClient does) or cache keys and values.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.TextGeneration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Generating and collecting the instruction model's responses. */
public final class InstructionTuning {
    /** {@code eos_id=50256}: generation stops at {@code <|endoftext|>}. */
    public static final long EOS_ID = 50256;

    private InstructionTuning() {
    }

    /**
     * The book's response loop body: {@code input_text = format_input(entry)}, greedy
     * {@code generate(model, ids, max_new_tokens, context_size, eos_id=50256)}, decode, and
     * {@link InstructionData#extractResponse}. The model is put in eval mode.
     *
     * @param model the fine-tuned model; set to eval mode
     * @param tokenizer the GPT-2 tokenizer
     * @param entry the entry to answer
     * @param maxNewTokens the most tokens to generate
     * @param contextSize the model's context length
     * @param style the prompt style
     * @return the extracted response
     */
    public static String generateResponse(Module model, GPT2Tokenizer tokenizer, InstructionEntry entry, int maxNewTokens, int contextSize,
                                          InstructionData.PromptStyle style) {
        model.eval();
        String inputText = style.formatInput(entry);
        Tensor ids = TextGeneration.generate(model, TextGeneration.textToTokenIds(inputText, tokenizer), maxNewTokens, contextSize, 0f, null, EOS_ID);
        String generatedText = TextGeneration.tokenIdsToText(ids, tokenizer);
        return InstructionData.extractResponse(generatedText, inputText, style);
    }

    /**
     * {@link #generateResponse} with the Alpaca prompt.
     *
     * @param model the fine-tuned model; set to eval mode
     * @param tokenizer the GPT-2 tokenizer
     * @param entry the entry to answer
     * @param maxNewTokens the most tokens to generate
     * @param contextSize the model's context length
     * @return the extracted response
     */
    public static String generateResponse(Module model, GPT2Tokenizer tokenizer, InstructionEntry entry, int maxNewTokens, int contextSize) {
        return generateResponse(model, tokenizer, entry, maxNewTokens, contextSize, InstructionData.PromptStyle.ALPACA);
    }

    /**
     * Section 7.7: every entry with its {@code model_response} filled in, in order.
     *
     * @param progress called with the number of entries done after each one (may be null)
     * @param model the fine-tuned model; set to eval mode
     * @param tokenizer the GPT-2 tokenizer
     * @param entries the entries to answer
     * @param maxNewTokens the most tokens to generate per entry
     * @param contextSize the model's context length
     * @param style the prompt style
     * @return new entries, each with its {@code model_response}
     */
    public static List<InstructionEntry> generateResponses(Module model, GPT2Tokenizer tokenizer, List<InstructionEntry> entries, int maxNewTokens,
                                                           int contextSize, InstructionData.PromptStyle style, IntConsumer progress) {
        List<InstructionEntry> out = new ArrayList<>(entries.size());
        for (InstructionEntry e : entries) {
            out.add(e.withModelResponse(generateResponse(model, tokenizer, e, maxNewTokens, contextSize, style)));
            if (progress != null) progress.accept(out.size());
        }
        return out;
    }
}

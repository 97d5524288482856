// Reference adapter for listing 2.5 (default build only): the library's GPTDatasetV1 (and its
// createDataloaderV1) under the exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch02;

import dev.scratchllm.tokenizer.GPT2Tokenizer;

/** {@link dev.scratchllm.data.GPTDatasetV1}, unchanged. */
public class GPTDatasetV1 extends dev.scratchllm.data.GPTDatasetV1 {
    public GPTDatasetV1(String txt, GPT2Tokenizer tokenizer, int maxLength, int stride) {
        super(txt, tokenizer, maxLength, stride);
    }
}

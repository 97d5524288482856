// Reference solution of exercise 2.2 (default build only), written with the library's loader.
package dev.scratchllm.exercises.ch02;

import dev.scratchllm.data.GPTDatasetV1;
import dev.scratchllm.tensor.Tensor;

/** Exercise 2.2 with {@link GPTDatasetV1#createDataloaderV1}. */
public final class Exercise2_2 {
    private Exercise2_2() {
    }

    public static Tensor firstInputs(String rawText, int maxLength, int stride) {
        return GPTDatasetV1.createDataloaderV1(rawText, 4, maxLength, stride, false, true).iterator().next()[0];
    }
}

// Reference solution of exercise 5.1 (default build only).
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.tensor.Tensor;

/** Exercise 5.1: the book's softmax with temperature and 1,000 multinomial draws. */
public final class Exercise5_1 {
    private Exercise5_1() {
    }

    public static int sampledCount(Tensor nextTokenLogits, float temperature, int tokenId) {
        ScratchLLM.manualSeed(123);
        Tensor probas = nextTokenLogits.div(temperature).softmax(0); // softmax_with_temperature
        int count = 0;
        for (int i = 0; i < 1000; i++) if (ScratchLLM.multinomial(probas, 1).itemLong() == tokenId) count++;
        return count;
    }
}

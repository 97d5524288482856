// Reference solution of exercise 3.2 (default build only).
package dev.scratchllm.exercises.ch03;

/** Exercise 3.2: one output dimension per head. */
public final class Exercise3_2 {
    private Exercise3_2() {
    }

    public static MultiHeadAttentionWrapper twoDimensionalOutputs(int dIn, int contextLength, double dropout) {
        return new MultiHeadAttentionWrapper(dIn, 1, contextLength, dropout, 2);
    }
}

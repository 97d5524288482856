// Reference solution of exercise 3.3 (default build only).
package dev.scratchllm.exercises.ch03;

/** Exercise 3.3: GPT-2 124M's attention sizes. */
public final class Exercise3_3 {
    private Exercise3_3() {
    }

    public static MultiHeadAttention gpt2SizedAttention() {
        return new MultiHeadAttention(768, 768, 1024, 0.0, 12);
    }
}

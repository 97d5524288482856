// Reference solution of exercise 3.1 (default build only).
package dev.scratchllm.exercises.ch03;

import java.util.Map;

/** Exercise 3.1: the transposed Linear weights loaded into the raw matrices. */
public final class Exercise3_1 {
    private Exercise3_1() {
    }

    public static void loadV2Weights(SelfAttentionV1 saV1, SelfAttentionV2 saV2) {
        saV1.loadStateDict(Map.of(
                "W_query", saV2.wQuery().weight().t(),
                "W_key", saV2.wKey().weight().t(),
                "W_value", saV2.wValue().weight().t()));
    }
}

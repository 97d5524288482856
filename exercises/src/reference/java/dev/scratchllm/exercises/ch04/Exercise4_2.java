// Reference solution of exercise 4.2 (default build only): the library's configurations and its
// parameter count computed from the configuration.
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.gpt.GPTConfig;

/** Exercise 4.2 with {@link GPTConfig#getConfig} and {@link dev.scratchllm.gpt.GPTModel#parameterCount}. */
public final class Exercise4_2 {
    private Exercise4_2() {
    }

    public static GPTConfig config(String modelName) {
        return GPTConfig.getConfig(GPTConfig.GPT_CONFIG_124M, modelName);
    }

    public static long totalParameters(GPTConfig cfg) {
        return dev.scratchllm.gpt.GPTModel.parameterCount(cfg);
    }

    public static double sizeInMB(long totalParameters) {
        return dev.scratchllm.gpt.GPTModel.sizeInMB(totalParameters);
    }
}

package dev.scratchllm.spark;

import dev.scratchllm.nn.Module;

import java.io.Serializable;

/**
 * Builds the model on each executor: a serializable recipe (a config, not the weights), since
 * the weights travel separately, broadcast by the driver at every step. The model it builds must
 * have the same parameters, in the same order and shapes, as the driver's; their initial values
 * do not matter (every step overwrites them).
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    /**
     * A new model, in training mode.
     *
     * @return the model
     */
    Module create();
}

package dev.scratchllm.appendixa;

import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.ReLU;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.tensor.Tensor;

/**
 * Appendix A's {@code NeuralNetwork(num_inputs, num_outputs)}: a multilayer perceptron
 * Linear(n, 30) → ReLU → Linear(30, 20) → ReLU → Linear(20, m) held in {@code layers}
 * (keys {@code layers.0.weight}, …). 2,213 parameters for (50, 3); 752 for (2, 2).
 */
public class NeuralNetwork extends Module {
    /**
     * A network with {@code numInputs} inputs and {@code numOutputs} outputs (logits).
     *
     * @param numInputs the number of input features
     * @param numOutputs the number of output logits
     */
    public NeuralNetwork(int numInputs, int numOutputs) {
        registerModule("layers", new Sequential(
                new Linear(numInputs, 30), new ReLU(),
                new Linear(30, 20), new ReLU(),
                new Linear(20, numOutputs)));
    }

    /**
     * The {@code Sequential} of layers ({@code model.layers[0]} is {@code layers().get(0)}).
     *
     * @return the layer stack
     */
    public Sequential layers() {
        return child("layers", Sequential.class);
    }

    @Override
    public Tensor forward(Tensor x) {
        return layers().forward(x);
    }
}

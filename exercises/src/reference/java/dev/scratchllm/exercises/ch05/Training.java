// Reference adapter for listings 5.2 and 5.3 (default build only): forwards to the library's
// Training.
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.tensor.Tensor;

/** {@link dev.scratchllm.train.Training}'s losses, evaluation and simple training loop. */
public final class Training {
    private Training() {
    }

    public static Tensor calcLossBatch(Tensor inputBatch, Tensor targetBatch, Module model) {
        return dev.scratchllm.train.Training.calcLossBatch(inputBatch, targetBatch, model);
    }

    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model) {
        return dev.scratchllm.train.Training.calcLossLoader(loader, model);
    }

    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model, int numBatches) {
        return dev.scratchllm.train.Training.calcLossLoader(loader, model, numBatches);
    }

    public static double[] evaluateModel(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader, int evalIter) {
        return dev.scratchllm.train.Training.evaluateModel(model, trainLoader, valLoader, evalIter);
    }

    public static dev.scratchllm.train.Training.History trainModelSimple(Module model, DataLoader<?, Tensor[]> trainLoader,
                                                                         DataLoader<?, Tensor[]> valLoader, Optimizer optimizer,
                                                                         dev.scratchllm.train.Training.Options o) {
        return dev.scratchllm.train.Training.trainModelSimple(model, trainLoader, valLoader, optimizer, o);
    }
}

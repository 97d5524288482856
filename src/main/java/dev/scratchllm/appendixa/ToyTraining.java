package dev.scratchllm.appendixa;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.SGD;
import dev.scratchllm.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Appendix A.7's training loop and {@code compute_accuracy}: seed 123, {@code NeuralNetwork(2, 2)},
 * SGD with lr 0.5, three epochs over a shuffled loader of batch 2 with the last short batch
 * dropped, printing the book's progress lines.
 */
public final class ToyTraining {
    private ToyTraining() {
    }

    /**
     * The result of {@link #run}: the trained model and every batch loss in order.
     *
     * @param model the network after training (in eval mode)
     * @param losses the training loss of every batch, in order
     */
    public record Result(NeuralNetwork model, List<Float> losses) {
    }

    /**
     * The book's run, printing {@code Epoch: 001/003 | Batch 000/002 | Train Loss: 0.75} lines to
     * {@code out} (may be null).
     *
     * @param out where to print the progress lines, or null to print nothing
     * @return the trained model and the batch losses
     */
    public static Result run(PrintStream out) {
        ScratchLLM.manualSeed(123);
        ToyDataset trainDs = new ToyDataset(ToyDataset.xTrain(), ToyDataset.yTrain());
        DataLoader<Tensor[], Tensor[]> trainLoader = DataLoader.of(trainDs, 2, true, true);
        ScratchLLM.manualSeed(123);
        NeuralNetwork model = new NeuralNetwork(2, 2);
        SGD optimizer = new SGD(model.parameters(), 0.5);
        int numEpochs = 3;
        List<Float> losses = new ArrayList<>();
        for (int epoch = 0; epoch < numEpochs; epoch++) {
            model.train();
            int batchIdx = 0;
            for (Tensor[] batch : trainLoader) {
                Tensor logits = model.forward(batch[0]);
                Tensor loss = Functional.crossEntropy(logits, batch[1]);
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                losses.add(loss.item());
                if (out != null)
                    out.printf("Epoch: %03d/%03d | Batch %03d/%03d | Train Loss: %.2f%n", epoch + 1, numEpochs, batchIdx, trainLoader.size(), loss.item());
                batchIdx++;
            }
            model.eval();
        }
        return new Result(model, losses);
    }

    /**
     * {@code compute_accuracy(model, dataloader)}: the fraction of examples whose arg-max logit is the label.
     *
     * @param model the model to evaluate; it is switched to eval mode
     * @param loader the batches of {@code [features, labels]}
     * @return the fraction of correctly classified examples, between 0 and 1
     */
    public static double computeAccuracy(Module model, DataLoader<Tensor[], Tensor[]> loader) {
        model.eval();
        long correct = 0, total = 0;
        for (Tensor[] batch : loader) {
            Tensor logits;
            try (var g = ScratchLLM.noGrad()) {
                logits = model.forward(batch[0]);
            }
            Tensor predictions = logits.argmax(1);
            correct += predictions.eq(batch[1]).sum().itemLong();
            total += batch[1].numel();
        }
        return (double) correct / total;
    }
}

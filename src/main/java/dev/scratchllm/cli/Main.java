package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.appendixa.NeuralNetwork;
import dev.scratchllm.appendixa.ToyDataset;
import dev.scratchllm.appendixa.ToyTraining;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.tensor.Tensor;

/**
 * The command line. For now its main job is appendix A.7: a small neural network trained with
 * the library's autograd and SGD on the book's toy data, printing the loss falling, the final
 * logits and the accuracy. Chapter 5's pretraining run replaces it as the default once the GPT
 * chapters land.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String cmd = args.length == 0 ? "toy" : args[0];
        switch (cmd) {
            case "toy" -> toy();
            case "-h", "--help", "help" -> usage();
            default -> {
                System.err.println("scratchllm: unknown command '" + cmd + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.out.println("""
                usage: mvn -q compile exec:exec [-Dargs="COMMAND"]
                commands:
                  toy    appendix A.7: train NeuralNetwork(2, 2) with SGD on the toy data set (default)""");
    }

    private static void toy() {
        System.out.println("ScratchLLM " + Runtime.version() + ", kernels: " + KernelProvider.get().name() + ", threads: " + ScratchLLM.getNumThreads());
        System.out.println("Appendix A.7 - a typical training loop (seed 123, SGD lr 0.5, 3 epochs, batch 2)\n");
        ToyTraining.Result r = ToyTraining.run(System.out);
        NeuralNetwork model = r.model();
        model.eval();
        Tensor outputs;
        try (var g = ScratchLLM.noGrad()) {
            outputs = model.forward(ToyDataset.xTrain());
        }
        System.out.println("\nLogits on the training set:\n" + outputs);
        System.out.println("Predictions: " + outputs.argmax(1));
        var train = DataLoader.of(new ToyDataset(ToyDataset.xTrain(), ToyDataset.yTrain()), 2, false, false);
        var test = DataLoader.of(new ToyDataset(ToyDataset.xTest(), ToyDataset.yTest()), 2, false, false);
        System.out.printf("Train accuracy: %.2f%nTest accuracy:  %.2f%n", ToyTraining.computeAccuracy(model, train), ToyTraining.computeAccuracy(model, test));
    }
}

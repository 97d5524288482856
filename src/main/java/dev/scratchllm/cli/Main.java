package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.appendixa.NeuralNetwork;
import dev.scratchllm.appendixa.ToyDataset;
import dev.scratchllm.appendixa.ToyTraining;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.tensor.Tensor;

/**
 * The command line. Its main job ({@code pretrain}, the default) is chapter 5's pretraining run;
 * {@code toy} is appendix A.7's small network trained with SGD on the book's toy data.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs a command: {@code pretrain} (the default), {@code toy}, {@code generate},
     * {@code finetune-classifier}, {@code classify}, {@code finetune-instructions}, {@code respond}, {@code serve} or
     * {@code help}. A failing command prints its error and exits with status 1; an unknown one exits with
     * status 2.
     *
     * @param args the command, then its options
     */
    public static void main(String[] args) {
        String cmd = args.length == 0 ? "pretrain" : args[0];
        java.util.List<String> rest = java.util.Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        switch (cmd) {
            case "toy" -> toy();
            case "generate" -> {
                try {
                    Generate.run(Generate.parse(rest), System.out);
                } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
                    System.err.println("scratchllm: " + e.getMessage());
                    System.exit(1);
                }
            }
            case "pretrain" -> {
                try {
                    Pretrain.run(Pretrain.parse(rest), System.out);
                } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
                    System.err.println("scratchllm: " + e.getMessage());
                    System.exit(1);
                }
            }
            case "finetune-classifier" -> runCommand(() -> FinetuneClassifier.run(FinetuneClassifier.parse(rest), System.out));
            case "classify" -> runCommand(() -> Classify.run(Classify.parse(rest), System.out));
            case "finetune-instructions" -> runCommand(() -> FinetuneInstructions.run(FinetuneInstructions.parse(rest), System.out));
            case "respond" -> runCommand(() -> Respond.run(Respond.parse(rest), System.out));
            case "serve" -> runCommand(() -> {
                Serve.run(Serve.parse(rest), System.out);
                return null;
            });
            case "-h", "--help", "help" -> usage();
            default -> {
                System.err.println("scratchllm: unknown command '" + cmd + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private interface Command {
        Object run() throws java.io.IOException;
    }

    /**
     * The start of every training job: sets the kernel threads and prints the job's banner line
     * (name, JDK, kernel implementation, threads).
     */
    static void startJob(String title, int threads, java.io.PrintStream out) {
        dev.scratchllm.ScratchLLM.setNumThreads(threads);
        out.printf(java.util.Locale.ROOT, "ScratchLLM %s - JDK %s, %s kernels, %d threads%n", title, Runtime.version(),
                dev.scratchllm.kernels.KernelProvider.get().name(), threads);
    }

    private static void runCommand(Command c) {
        try {
            c.run();
        } catch (IllegalArgumentException | IllegalStateException | java.io.IOException | java.io.UncheckedIOException e) {
            System.err.println("scratchllm: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage() {
        System.out.println("""
                usage: mvn -q compile exec:exec [-Dargs="COMMAND"]
                commands:
                  pretrain [--epochs N --context N --emb-dim N --layers N --heads N --batch N --lr X
                            --weight-decay X --eval-freq N --eval-iter N --seed N --text FILE --out DIR --threads N]
                           chapter 5: pretrain GPT-124M (context 256) on the-verdict (default)
                  generate [--checkpoint DIR | --gpt2 FILE|gpt2|gpt2-medium|... --prompt TEXT --max-tokens N --temperature X --top-k K|none --seed N]
                           continue a prompt with a pretrained checkpoint (default runs/pretrain/checkpoint)
                  finetune-classifier [--gpt2 FILE|gpt2 | --checkpoint DIR | --emb-dim N --layers N --heads N --context N]
                            [--epochs N --batch N --lr X --weight-decay X --eval-freq N --eval-iter N --seed N --max-length N
                             --pad-to-context --train-all-layers --first-token --lora-rank R --lora-alpha A --train-limit N --out DIR]
                           chapter 6: fine-tune a spam classifier (default runs/classifier)
                  classify [--checkpoint DIR --text TEXT]
                           classify a text as spam or not spam with a fine-tuned classifier
                  finetune-instructions [--gpt2 FILE|gpt2-medium | --checkpoint DIR | --emb-dim N ...] [--epochs N --batch N --lr X
                             --eval-freq N --eval-iter N --allowed-max-length N --phi3 --mask-instructions --lora-rank R
                             --train-limit N --test-limit N --max-new-tokens N --ollama-model NAME --out DIR]
                           chapter 7: instruction fine-tuning, test-set responses, Ollama scoring (default runs/instructions)
                  respond --instruction TEXT [--input TEXT --checkpoint DIR --max-new-tokens N]
                           answer an instruction with a fine-tuned instruction model
                  serve [--checkpoint DIR | --gpt2 FILE|NAME] [--host 127.0.0.1 --port 8080 --api-key KEY --name NAME
                         --chat-format alpaca|phi3|transcript --parallel N --queue N --timeout S --max-tokens N --threads N]
                           serve the model over OpenAI- and Ollama-compatible HTTP APIs, with a chat page at /
                  toy      appendix A.7: train NeuralNetwork(2, 2) with SGD on the toy data set""");
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

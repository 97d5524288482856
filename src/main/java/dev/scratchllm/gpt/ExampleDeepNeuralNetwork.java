package dev.scratchllm.gpt;

import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.GELU;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.ModuleList;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The book's {@code ExampleDeepNeuralNetwork(layer_sizes, use_shortcut)} (listing 4.5, section
 * 4.4): five {@code Sequential(Linear, GELU)} layers in a {@code ModuleList} named
 * {@code layers} (keys {@code layers.0.0.weight}, …). With {@code useShortcut}, each layer's
 * output is added to its input when the shapes agree, which keeps the gradients of the early
 * layers from vanishing; {@link #printGradients} shows that.
 */
public class ExampleDeepNeuralNetwork extends Module {
    private final boolean useShortcut;

    /**
     * Builds the five layers, drawing their weights from the default generator.
     * @param layerSizes six sizes: the input and the output of each of the five layers (the
     *                   book uses {@code [3, 3, 3, 3, 3, 1]})
     * @param useShortcut whether to add each layer's input to its output when their shapes agree
     */
    public ExampleDeepNeuralNetwork(int[] layerSizes, boolean useShortcut) {
        if (layerSizes.length != 6)
            throw new IllegalArgumentException("ExampleDeepNeuralNetwork: expected 6 layer sizes, got " + Arrays.toString(layerSizes));
        this.useShortcut = useShortcut;
        ModuleList<Sequential> layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < 5; i++) layers.add(new Sequential(new Linear(layerSizes[i], layerSizes[i + 1]), new GELU()));
    }

    /**
     * The five layers, {@code layers}.
     *
     * @return the {@code ModuleList} of layers
     */
    @SuppressWarnings("unchecked")
    public ModuleList<Sequential> layers() {
        return (ModuleList<Sequential>) child("layers", ModuleList.class);
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Sequential layer : layers()) {
            Tensor layerOutput = layer.forward(x);                     // output of the current layer
            if (useShortcut && Arrays.equals(x.shape(), layerOutput.shape())) x = x.add(layerOutput); // shortcut
            else x = layerOutput;
        }
        return x;
    }

    /**
     * The book's {@code print_gradients(model, x)} without the printing: one forward pass, the
     * MSE loss against target {@code [[0.]]}, {@code loss.backward()}, and then for every
     * parameter whose name contains {@code "weight"} the mean absolute gradient,
     * {@code param.grad.abs().mean().item()}, in parameter order. Gradients accumulate as in
     * PyTorch: call it on a fresh model (or after {@code zeroGrad()}).
     *
     * @param model the model (its gradients accumulate)
     * @param x the input batch
     * @return the mean absolute gradient per weight, by parameter name, in parameter order
     */
    public static Map<String, Float> gradientMeans(Module model, Tensor x) {
        Tensor output = model.forward(x);
        Tensor target = Tensor.zeros(output.shape()); // torch.tensor([[0.]]) broadcast to the output
        Tensor loss = Functional.mseLoss(output, target);
        loss.backward();
        Map<String, Float> means = new LinkedHashMap<>();
        for (var e : model.namedParameters().entrySet())
            if (e.getKey().contains("weight")) means.put(e.getKey(), e.getValue().grad().abs().mean().item());
        return means;
    }

    /**
     * The book's {@code print_gradients(model, x)}: {@link #gradientMeans} and prints
     * {@code "<name> has gradient mean of <value>"} per weight (the value as Java prints the
     * float widened to double); returns the means.
     *
     * @param model the model (its gradients accumulate)
     * @param x the input batch
     * @return the mean absolute gradient per weight, by parameter name, in parameter order
     */
    public static Map<String, Float> printGradients(Module model, Tensor x) {
        Map<String, Float> means = gradientMeans(model, x);
        means.forEach((name, mean) -> System.out.println(name + " has gradient mean of " + (double) mean));
        return means;
    }
}

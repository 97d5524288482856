package dev.scratchllm.book;

import dev.scratchllm.appendixa.NeuralNetwork;
import dev.scratchllm.appendixa.ToyDataset;
import dev.scratchllm.appendixa.ToyTraining;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static dev.scratchllm.ScratchLLM.rand;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.assertj.core.api.Assertions.assertThat;

/** Appendix A, "Introduction to PyTorch", in Java: the printed results of the book's code. */
class AppendixATest {

    @Test
    @DisplayName("A.4 Automatic differentiation: logistic-regression gradients")
    void logisticRegressionGradients() {
        Tensor y = tensor(new float[] {1.0f});
        Tensor x1 = tensor(new float[] {1.1f});
        Tensor w1 = tensor(new float[] {2.2f}).requiresGrad(true);
        Tensor b = tensor(new float[] {0.0f}).requiresGrad(true);
        Tensor z = x1.mul(w1).add(b);
        Tensor a = z.sigmoid();
        Tensor loss = Functional.binaryCrossEntropy(a, y);
        loss.backward();
        assertThat(w1.grad().toString()).isEqualTo("tensor([-0.0898])");
        assertThat(b.grad().toString()).isEqualTo("tensor([-0.0817])");
        assertThat(String.format("%.4f", loss.item())).isEqualTo("0.0852");
    }

    @Test
    @DisplayName("A.5 NeuralNetwork(50, 3): 2,213 trainable parameters, seeded weights and outputs")
    void multilayerPerceptron() {
        assertThat(new NeuralNetwork(50, 3).numTrainableParameters()).isEqualTo(2213);
        manualSeed(123);
        NeuralNetwork model = new NeuralNetwork(50, 3);
        Tensor w = model.layers().get(0).parameter("weight");
        assertThat(w.shape()).containsExactly(30, 50);
        assertThat(w.detach().toString()).isEqualTo("""
                tensor([[-0.0577,  0.0047, -0.0702,  ...,  0.0222,  0.1260,  0.0865],
                        [ 0.0502,  0.0307,  0.0333,  ...,  0.0951,  0.1134, -0.0297],
                        [ 0.1077, -0.1108,  0.0122,  ...,  0.0108, -0.1049, -0.1063],
                        ...,
                        [-0.0787,  0.1259,  0.0803,  ...,  0.1218,  0.1303, -0.1351],
                        [ 0.1359,  0.0175, -0.0673,  ...,  0.0674,  0.0676,  0.1058],
                        [ 0.0790,  0.1343, -0.0293,  ...,  0.0344, -0.0971, -0.0509]])""");
        manualSeed(123);
        Tensor x = rand(1, 50);
        Tensor out = model.forward(x);
        assertThat(out.toString()).isEqualTo("tensor([[-0.1262,  0.1080, -0.1792]], grad_fn=<AddmmBackward0>)");
        try (var g = noGrad()) {
            assertThat(model.forward(x).softmax(1).toString()).isEqualTo("tensor([[0.3113, 0.3934, 0.2952]])");
        }
    }

    @Test
    @DisplayName("Exercise A.3: NeuralNetwork(2, 2) has 752 parameters")
    void exerciseA3() {
        assertThat(new NeuralNetwork(2, 2).numParameters()).isEqualTo(752);
    }

    @Test
    @DisplayName("A.6 Efficient data loaders: the seeded shuffled batches, with and without drop_last")
    void dataLoaders() {
        ToyDataset trainDs = new ToyDataset(ToyDataset.xTrain(), ToyDataset.yTrain());
        manualSeed(123);
        List<String> printed = new ArrayList<>();
        for (Tensor[] batch : DataLoader.of(trainDs, 2, true, false)) printed.add(batch[0] + " " + batch[1]);
        assertThat(printed).containsExactly(
                "tensor([[ 2.3000, -1.1000],\n        [-0.9000,  2.9000]]) tensor([1, 0])",
                "tensor([[-1.2000,  3.1000],\n        [-0.5000,  2.6000]]) tensor([0, 0])",
                "tensor([[ 2.7000, -1.5000]]) tensor([1])");
        printed.clear();
        for (Tensor[] batch : DataLoader.of(trainDs, 2, true, true)) printed.add(batch[0] + " " + batch[1]);
        assertThat(printed).containsExactly(
                "tensor([[-1.2000,  3.1000],\n        [-0.5000,  2.6000]]) tensor([0, 0])",
                "tensor([[ 2.3000, -1.1000],\n        [-0.9000,  2.9000]]) tensor([1, 0])");
    }

    @Test
    @DisplayName("A.7 A typical training loop: losses, final logits, predictions and accuracy")
    void trainingLoop() {
        ToyTraining.Result r = ToyTraining.run(null);
        List<String> losses = r.losses().stream().map(l -> String.format("%.2f", l)).toList();
        assertThat(losses).containsExactly("0.75", "0.65", "0.44", "0.13", "0.03", "0.00");
        // PyTorch's unrounded losses (same seed): SGD matches to float rounding
        float[] torch = {0.7487356662750244f, 0.6450306177139282f, 0.44225579500198364f, 0.12562280893325806f, 0.026905599981546402f, 0.0043272399343550205f};
        for (int i = 0; i < torch.length; i++) assertThat((double) r.losses().get(i)).isCloseTo(torch[i], org.assertj.core.api.Assertions.within(1e-5));
        NeuralNetwork model = r.model();
        model.eval();
        Tensor outputs;
        try (var g = noGrad()) {
            outputs = model.forward(ToyDataset.xTrain());
        }
        assertThat(outputs.toString()).isEqualTo("""
                tensor([[ 2.8569, -4.1618],
                        [ 2.5382, -3.7548],
                        [ 2.0944, -3.1820],
                        [-1.4814,  1.4816],
                        [-1.7176,  1.7342]])""");
        assertThat(outputs.argmax(1).toString()).isEqualTo("tensor([0, 0, 0, 1, 1])");
        var trainLoader = DataLoader.of(new ToyDataset(ToyDataset.xTrain(), ToyDataset.yTrain()), 2, true, true);
        var testLoader = DataLoader.of(new ToyDataset(ToyDataset.xTest(), ToyDataset.yTest()), 2, false, false);
        assertThat(ToyTraining.computeAccuracy(model, trainLoader)).isEqualTo(1.0); // drop_last: the 4 examples seen are all right
        assertThat(ToyTraining.computeAccuracy(model, DataLoader.of(new ToyDataset(ToyDataset.xTrain(), ToyDataset.yTrain()), 2, false, false))).isEqualTo(1.0);
        assertThat(ToyTraining.computeAccuracy(model, testLoader)).isEqualTo(1.0);
    }
}

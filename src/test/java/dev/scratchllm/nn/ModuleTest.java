package dev.scratchllm.nn;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.appendixa.NeuralNetwork;
import dev.scratchllm.optim.GradClip;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModuleTest {
    @Test
    void namesFollowPyTorchAndOrderIsRegistrationOrder() {
        NeuralNetwork m = new NeuralNetwork(4, 2);
        assertThat(m.stateDict().keySet()).containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                "layers.4.weight", "layers.4.bias");
        assertThat(m.numParameters()).isEqualTo(4 * 30 + 30 + 30 * 20 + 20 + 20 * 2 + 2);
        assertThat(m.namedModules().keySet()).contains("", "layers", "layers.0", "layers.4");
    }

    @Test
    void loadStateDictChecksEverythingBeforeWriting() {
        NeuralNetwork m = new NeuralNetwork(4, 2);
        Map<String, Tensor> good = new LinkedHashMap<>();
        for (var e : m.stateDict().entrySet()) good.put(e.getKey(), Tensor.zeros(e.getValue().shape()));
        Map<String, Tensor> bad = new LinkedHashMap<>(good);
        bad.remove("layers.2.bias");
        bad.put("layers.9.weight", Tensor.zeros(1));
        bad.put("layers.0.weight", Tensor.zeros(3, 3));
        float before = m.stateDict().get("layers.4.weight").toFloatArray()[0];
        assertThatThrownBy(() -> m.loadStateDict(bad))
                .hasMessageContaining("Missing key(s) in state_dict: [layers.2.bias]")
                .hasMessageContaining("Unexpected key(s) in state_dict: [layers.9.weight]")
                .hasMessageContaining("size mismatch for layers.0.weight: copying a param with shape [3, 3], the shape in current model is [30, 4]");
        assertThat(m.stateDict().get("layers.4.weight").toFloatArray()[0]).isEqualTo(before);
        Tensor w = m.layers().get(0).parameter("weight");
        m.loadStateDict(good);
        assertThat(m.layers().get(0).parameter("weight")).isSameAs(w); // loaded in place
        assertThat(w.toFloatArray()[0]).isEqualTo(0f);
    }

    @Test
    void loadStateDictRefusesIntegersForAFloatWeight() {
        // a float weight that a file holds as I32 reads as int64: its values would be integers, not weights
        NeuralNetwork m = new NeuralNetwork(4, 2);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (var e : m.stateDict().entrySet()) state.put(e.getKey(), Tensor.zeros(e.getValue().shape()));
        state.put("layers.4.bias", Tensor.fromArray(new long[] {Float.floatToIntBits(0.5f), Float.floatToIntBits(-1f)}));
        float before = m.stateDict().get("layers.0.weight").toFloatArray()[0];
        assertThatThrownBy(() -> m.loadStateDict(state))
                .hasMessageContaining("dtype mismatch for layers.4.bias: copying a tensor of dtype int64, the dtype in current model is float32");
        assertThat(m.stateDict().get("layers.0.weight").toFloatArray()[0]).isEqualTo(before);
        // bool (0/1) is exact and still loads
        state.put("layers.4.bias", Tensor.fromArray(new boolean[] {true, false}));
        m.loadStateDict(state);
        assertThat(m.stateDict().get("layers.4.bias").toFloatArray()).containsExactly(1f, 0f);
    }

    @Test
    void freezingExcludesParametersFromTraining() {
        NeuralNetwork m = new NeuralNetwork(4, 2);
        for (Tensor p : m.layers().get(0).parameters()) p.requiresGrad(false);
        assertThat(m.numTrainableParameters()).isEqualTo(m.numParameters() - 150);
        Functional.crossEntropy(m.forward(Tensor.ones(3, 4)), Tensor.fromArray(new long[] {0, 1, 0})).backward();
        assertThat(m.layers().get(0).parameter("weight").grad()).isNull();
        assertThat(m.layers().get(2).parameter("weight").grad()).isNotNull();
    }

    @Test
    void trainAndEvalSwitchDropout() {
        Sequential s = new Sequential(new Dropout(0.5));
        Tensor x = Tensor.ones(4, 4);
        ScratchLLM.manualSeed(123);
        Tensor y = s.forward(x);
        assertThat(y.toFloatArray()).containsOnly(0f, 2f);
        s.eval();
        assertThat(s.get(0).isTraining()).isFalse();
        assertThat(s.forward(x)).isSameAs(x);
    }

    @Test
    void dropoutGradientUsesTheSameMask() {
        Tensor x = Tensor.ones(3, 5).requiresGrad(true);
        ScratchLLM.manualSeed(1);
        Tensor y = Dropout.dropout(x, 0.4, true);
        y.sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(y.detach().toFloatArray());
    }

    @Test
    void layerNormFusedEqualsTheBooksFormula() {
        ScratchLLM.manualSeed(123);
        LayerNorm ln = new LayerNorm(7);
        Tensor x = ScratchLLM.randn(3, 5, 7);
        assertThat(ln.forward(x).toFloatArray()).containsExactly(ln.forwardComposed(x).toFloatArray(), within(2e-6f));
        GELU g = new GELU();
        assertThat(g.forward(x).toFloatArray()).containsExactly(g.forwardComposed(x).toFloatArray(), within(2e-6f));
    }

    @Test
    void clipGradNormScalesToTheMaximum() {
        Tensor a = Tensor.zeros(2).requiresGrad(true), b = Tensor.zeros(1).requiresGrad(true);
        a.setGrad(Tensor.fromArray(new float[] {3, 0}));
        b.setGrad(Tensor.fromArray(new float[] {4}));
        double norm = GradClip.clipGradNorm(List.of(a, b), 1.0);
        assertThat(norm).isCloseTo(5.0, within(1e-9));
        assertThat(a.grad().toFloatArray()).containsExactly(new float[] {0.6f, 0f}, within(1e-6f));
        assertThat(b.grad().toFloatArray()).containsExactly(new float[] {0.8f}, within(1e-6f));
    }

    @Test
    void moduleArgumentErrors() {
        assertThatThrownBy(() -> new Linear(0, 3)).hasMessageContaining("Linear");
        assertThatThrownBy(() -> new Dropout(1.5)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> new Linear(3, 2).forward(Tensor.ones(2, 4))).hasMessageContaining("linear").hasMessageContaining("[2, 4]");
    }
}

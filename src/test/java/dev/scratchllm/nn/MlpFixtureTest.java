package dev.scratchllm.nn;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.appendixa.NeuralNetwork;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.optim.SGD;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appendix A's MLP against PyTorch 1.13 (fixtures/mlp.safetensors, see docs/fixtures.md):
 * seeded initialisation bit for bit, forward output, loss and every gradient within
 * 1e-5 relative + 1e-6 absolute, and the parameters after one and two AdamW steps (and the
 * moments, 1e-4 relative: they square gradients of a second forward pass) and after one and two SGD-with-momentum steps within 1e-6 absolute.
 */
class MlpFixtureTest {
    static Map<String, Tensor> fx;

    @BeforeAll
    static void load() throws Exception {
        fx = Safetensors.read(Path.of(MlpFixtureTest.class.getResource("/fixtures/mlp.safetensors").toURI()));
    }

    static Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (var e : fx.entrySet()) if (e.getKey().startsWith(prefix)) m.put(e.getKey().substring(prefix.length()), e.getValue());
        return m;
    }

    static void assertClose(String what, Tensor ours, Tensor torch, double rtol, double atol) {
        assertThat(ours.shape()).as(what).isEqualTo(torch.shape());
        float[] a = ours.toFloatArray(), b = torch.toFloatArray();
        for (int i = 0; i < a.length; i++)
            assertThat((double) Math.abs(a[i] - b[i])).as(what + "[" + i + "] ours " + a[i] + " torch " + b[i]).isLessThanOrEqualTo(atol + rtol * Math.abs(b[i]));
    }

    static NeuralNetwork fromInit() {
        NeuralNetwork m = new NeuralNetwork(5, 3);
        m.loadStateDict(withPrefix("init."));
        return m;
    }

    static Tensor loss(NeuralNetwork m) {
        return Functional.crossEntropy(m.forward(fx.get("x")), fx.get("y"));
    }

    @Test
    void seededInitialisationAndInputDrawsAreBitIdentical() {
        ScratchLLM.manualSeed(123);
        NeuralNetwork m = new NeuralNetwork(5, 3);
        Map<String, Tensor> init = withPrefix("init.");
        assertThat(m.stateDict().keySet()).containsExactlyElementsOf(init.keySet());
        for (var e : m.stateDict().entrySet())
            assertThat(e.getValue().toFloatArray()).as(e.getKey()).containsExactly(init.get(e.getKey()).toFloatArray());
        assertThat(ScratchLLM.rand(4, 5).toFloatArray()).containsExactly(fx.get("x").toFloatArray());
        assertThat(ScratchLLM.randint(0, 3, 4).toLongArray()).containsExactly(fx.get("y").toLongArray());
    }

    @Test
    void forwardLossAndGradients() {
        NeuralNetwork m = fromInit();
        Tensor out = m.forward(fx.get("x"));
        assertClose("out", out, fx.get("out"), 1e-5, 1e-6);
        Tensor l = Functional.crossEntropy(out, fx.get("y"));
        assertClose("loss", l, fx.get("loss"), 1e-5, 1e-6);
        l.backward();
        for (var e : m.namedParameters().entrySet())
            assertClose("grad." + e.getKey(), e.getValue().grad(), fx.get("grad." + e.getKey()), 1e-5, 1e-6);
    }

    static void steps(NeuralNetwork m, Optimizer opt, int n) {
        for (int i = 0; i < n; i++) {
            opt.zeroGrad();
            loss(m).backward();
            opt.step();
        }
    }

    @Test
    void adamWStepsMatchPyTorch() {
        NeuralNetwork m = fromInit();
        AdamW opt = new AdamW(m.parameters(), 1e-3, 0.1);
        steps(m, opt, 1);
        for (var e : m.namedParameters().entrySet()) assertClose("adamw." + e.getKey(), e.getValue(), fx.get("adamw." + e.getKey()), 0, 1e-6);
        steps(m, opt, 1);
        for (var e : m.namedParameters().entrySet()) assertClose("adamw2." + e.getKey(), e.getValue(), fx.get("adamw2." + e.getKey()), 0, 1e-6);
        Map<String, Tensor> state = opt.stateDict();
        int i = 0;
        for (String name : m.namedParameters().keySet()) {
            assertClose("exp_avg." + name, state.get(i + ".exp_avg"), fx.get("adamw2_state.exp_avg." + name), 1e-4, 1e-9);
            assertClose("exp_avg_sq." + name, state.get(i + ".exp_avg_sq"), fx.get("adamw2_state.exp_avg_sq." + name), 1e-4, 1e-12);
            assertThat(state.get(i + ".step").itemLong()).isEqualTo(2);
            i++;
        }
    }

    @Test
    void sgdWithMomentumMatchesPyTorchBitForBit() {
        NeuralNetwork m = fromInit();
        SGD opt = new SGD(m.parameters(), 0.1, 0.9, 0);
        steps(m, opt, 1);
        for (var e : m.namedParameters().entrySet()) assertClose("sgd." + e.getKey(), e.getValue(), fx.get("sgd." + e.getKey()), 0, 1e-6);
        steps(m, opt, 1);
        for (var e : m.namedParameters().entrySet()) assertClose("sgd2." + e.getKey(), e.getValue(), fx.get("sgd2." + e.getKey()), 0, 1e-6);
    }

    @Test
    void optimizerStateRoundTripResumesIdentically() {
        NeuralNetwork a = fromInit(), b = fromInit();
        AdamW oa = new AdamW(a.parameters(), 1e-3, 0.1), ob = new AdamW(b.parameters(), 1e-3, 0.1);
        steps(a, oa, 3);
        steps(b, ob, 1);
        AdamW resumed = new AdamW(b.parameters(), 1e-3, 0.1);
        resumed.loadStateDict(ob.stateDict());
        steps(b, resumed, 2);
        for (var e : a.namedParameters().entrySet())
            assertThat(b.namedParameters().get(e.getKey()).toFloatArray()).as(e.getKey()).containsExactly(e.getValue().toFloatArray());
    }
}

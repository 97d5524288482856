package dev.scratchllm.tensor;

import dev.scratchllm.io.Safetensors;
import dev.scratchllm.nn.Functional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each op against PyTorch 1.13 (src/test/resources/fixtures/ops.safetensors, written by
 * scripts/make_fixtures.py): forward output and the gradients of {@code Σ out·w} for every
 * float input. Tolerance: |ours − torch| ≤ 1e-5 + 1e-5·|torch| (float32 after reductions).
 */
class OpsFixtureTest {
    static Map<String, Tensor> fx;
    static List<String> ops;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        var contents = Safetensors.readWithMetadata(Path.of(OpsFixtureTest.class.getResource("/fixtures/ops.safetensors").toURI()));
        fx = contents.tensors();
        ops = List.of(contents.metadata().get("ops").split(","));
    }

    static Map<String, Function<Tensor[], Tensor>> ourOps() {
        Tensor mask = Tensor.ones(6, 6).triu(1).toBool();
        Map<String, Function<Tensor[], Tensor>> m = new LinkedHashMap<>();
        m.put("softmax", x -> x[0].softmax(-1));
        m.put("log_softmax", x -> x[0].logSoftmax(-1));
        m.put("layer_norm", x -> Functional.layerNorm(x[0], x[1], x[2], 1e-5f));
        m.put("gelu", x -> x[0].gelu());
        m.put("matmul2d", x -> x[0].matmul(x[1]));
        m.put("matmul4d", x -> x[0].matmul(x[1]));
        m.put("cross_entropy", x -> Functional.crossEntropy(x[0], x[1]));
        m.put("var_unbiased", x -> x[0].var(1, true, false));
        m.put("var_biased", x -> x[0].var(-1, false, true));
        m.put("mean", x -> x[0].mean(-1, true));
        m.put("mean_all", x -> x[0].mean());
        m.put("sum", x -> x[0].sum(0));
        m.put("sum_all", x -> x[0].sum());
        m.put("max", x -> x[0].max(-1, false).values());
        m.put("causal_softmax", x -> x[0].maskedFill(mask, Float.NEGATIVE_INFINITY).softmax(-1));
        m.put("exp", x -> x[0].exp());
        m.put("log", x -> x[0].log());
        m.put("tanh", x -> x[0].tanh());
        m.put("sqrt", x -> x[0].sqrt());
        m.put("pow2", x -> x[0].pow(2f));
        m.put("pow05", x -> x[0].pow(0.5f));
        m.put("div", x -> x[0].div(x[1]));
        m.put("view_chain", x -> x[0].transpose(1, 2).contiguous().view(2, 3, 20));
        m.put("linear", x -> Tensor.linear(x[0], x[1], x[2]));
        m.put("embedding", x -> Tensor.embedding(x[1], x[0]));
        m.put("relu", x -> x[0].relu());
        return m;
    }

    static void assertClose(String what, Tensor ours, Tensor torch) {
        assertThat(ours.shape()).as(what + " shape").isEqualTo(torch.shape());
        float[] a = ours.toFloatArray(), b = torch.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            double tol = 1e-5 + 1e-5 * Math.abs(b[i]);
            assertThat((double) Math.abs(a[i] - b[i])).as(what + "[" + i + "]: ours " + a[i] + " torch " + b[i]).isLessThanOrEqualTo(tol);
        }
    }

    @Test
    void everyFixtureOpMatchesPyTorch() {
        Map<String, Function<Tensor[], Tensor>> mine = ourOps();
        assertThat(mine.keySet()).containsExactlyInAnyOrderElementsOf(ops);
        for (String op : ops) {
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; fx.containsKey(op + ".in" + i); i++) {
                Tensor t = fx.get(op + ".in" + i).contiguousCopy();
                if (t.isFloatingPoint()) t.requiresGrad(true);
                inputs.add(t);
            }
            Tensor[] in = inputs.toArray(new Tensor[0]);
            Tensor out = mine.get(op).apply(in);
            assertClose(op + ".out", out, fx.get(op + ".out"));
            out.mul(fx.get(op + ".w")).sum().backward();
            for (int i = 0; i < in.length; i++) {
                if (!fx.containsKey(op + ".grad" + i)) continue;
                assertThat(in[i].grad()).as(op + ".grad" + i).isNotNull();
                assertClose(op + ".grad" + i, in[i].grad(), fx.get(op + ".grad" + i));
            }
        }
    }

    @Test
    void maxIndicesMatchPyTorch() {
        assertThat(fx.get("max.in0").max(-1, false).indices().toLongArray()).containsExactly(fx.get("max.indices").toLongArray());
    }
}

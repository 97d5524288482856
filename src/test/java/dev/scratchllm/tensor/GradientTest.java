package dev.scratchllm.tensor;

import dev.scratchllm.autograd.GradCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A finite-difference gradient check for every differentiable op. {@link #everyOpIsChecked()}
 * scans the main sources for backward-node names ({@code "XxxBackward0"}) and fails if any of
 * them was never traversed by a check in this class.
 */
class GradientTest {
    static final Random RND = new Random(7);

    /** A leaf with values in [lo, hi) that requires grad. */
    static Tensor leaf(float lo, float hi, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * RND.nextFloat();
        return Tensor.of(d, shape).requiresGrad(true);
    }

    static Tensor leaf(int... shape) {
        return leaf(-1f, 1f, shape);
    }

    static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(f, inputs);
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    // ---------------------------------------------------------------- arithmetic with broadcasting

    @Test
    void add() {
        check(x -> x[0].add(x[1]), leaf(2, 3, 4), leaf(3, 1));
        check(x -> x[0].add(2.5f), leaf(3));
    }

    @Test
    void sub() {
        check(x -> x[0].sub(x[1]), leaf(4, 1), leaf(2, 1, 5));
        check(x -> x[0].sub(1f), leaf(3));
    }

    @Test
    void mul() {
        check(x -> x[0].mul(x[1]), leaf(2, 3), leaf(3));
        check(x -> x[0].mul(x[0]), leaf(5));
        check(x -> x[0].mul(-3f), leaf(2, 2));
    }

    @Test
    void div() {
        check(x -> x[0].div(x[1]), leaf(2, 3), leaf(1f, 2f, 2, 1));
        check(x -> x[0].div(3f), leaf(4));
    }

    @Test
    void siluRsqrtAndIndexOps() {
        check(x -> x[0].silu(), leaf(-3f, 3f, 2, 5));
        check(x -> x[0].rsqrt(), leaf(0.5f, 2f, 4));
        Tensor idx = Tensor.ofLongs(new long[] {2, 0, 2}, 3);
        check(x -> x[0].indexSelect(0, idx), leaf(3, 4));
        check(x -> x[0].indexAdd(0, idx, x[1]), leaf(3, 2), leaf(3, 2));
    }

    @Test
    void negAndPow() {
        check(x -> x[0].neg(), leaf(3, 2));
        check(x -> x[0].pow(2f), leaf(3, 2));
        check(x -> x[0].pow(0.5f), leaf(0.5f, 2f, 4));
        check(x -> x[0].pow(3f), leaf(4));
        check(x -> x[0].pow(x[1]), leaf(0.5f, 2f, 2, 3), leaf(3));
    }

    // ---------------------------------------------------------------- unary

    @Test
    void unaryFunctions() {
        check(x -> x[0].exp(), leaf(2, 3));
        check(x -> x[0].log(), leaf(0.5f, 3f, 2, 3));
        check(x -> x[0].sqrt(), leaf(0.5f, 3f, 5));
        check(x -> x[0].tanh(), leaf(7));
        check(x -> x[0].sigmoid(), leaf(7));
        check(x -> x[0].gelu(), leaf(-3f, 3f, 33));
        check(x -> x[0].abs(), leaf(0.1f, 1f, 5).mul(1f).detach().requiresGrad(true));
    }

    @Test
    void relu() {
        float[] d = {-1.5f, -0.2f, 0.3f, 1.1f, 2f, -0.7f};
        check(x -> x[0].relu(), Tensor.of(d, 2, 3).requiresGrad(true));
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void sums() {
        check(x -> x[0].sum(), leaf(3, 4));
        check(x -> x[0].sum(1, false), leaf(2, 3, 4));
        check(x -> x[0].sum(-1, true), leaf(2, 3, 4));
    }

    @Test
    void means() {
        check(x -> x[0].mean(), leaf(3, 4));
        check(x -> x[0].mean(0, false), leaf(2, 3, 4));
        check(x -> x[0].mean(-1, true), leaf(2, 5));
    }

    @Test
    void variance() {
        check(x -> x[0].var(-1, true, false), leaf(3, 5));
        check(x -> x[0].var(1, false, true), leaf(2, 4, 3));
    }

    @Test
    void max() {
        float[] d = {0.1f, 0.9f, -0.4f, 0.5f, 0.2f, 0.8f};
        check(x -> x[0].max(), Tensor.of(d.clone(), 2, 3).requiresGrad(true));
        check(x -> x[0].max(1, false).values(), Tensor.of(d.clone(), 2, 3).requiresGrad(true));
        check(x -> x[0].max(0, true).values(), Tensor.of(d.clone(), 2, 3).requiresGrad(true));
    }

    @Test
    void causalSoftmax() {
        check(x -> x[0].causalSoftmax(1.5f), leaf(2, 2, 4, 4));
        check(x -> x[0].causalSoftmax(2f), leaf(3, 5));   // 3 new queries after 2 cached keys
    }

    @Test
    void softmaxAndLogSoftmax() {
        check(x -> x[0].softmax(-1), leaf(3, 5));
        check(x -> x[0].softmax(0), leaf(3, 5));
        check(x -> x[0].logSoftmax(-1), leaf(2, 7));
        check(x -> x[0].logSoftmax(1), leaf(2, 3, 4));
    }

    @Test
    void topk() {
        float[] d = {0.1f, 0.9f, -0.4f, 0.5f, 0.2f, 0.8f, -0.9f, 0.35f};
        check(x -> x[0].topk(3, -1).values(), Tensor.of(d, 2, 4).requiresGrad(true));
    }

    // ---------------------------------------------------------------- matmul and linear

    @Test
    void matmul2d() {
        check(x -> x[0].matmul(x[1]), leaf(3, 4), leaf(4, 5));
    }

    @Test
    void matmulBatchedWithBroadcast() {
        check(x -> x[0].matmul(x[1]), leaf(2, 1, 3, 4), leaf(1, 3, 4, 2));
        check(x -> x[0].matmul(x[1]), leaf(2, 3, 4), leaf(4, 5));
        check(x -> x[0].matmul(x[1].transpose(-1, -2)), leaf(2, 3, 4), leaf(2, 5, 4));
    }

    @Test
    void matmulVectors() {
        check(x -> x[0].matmul(x[1]), leaf(4), leaf(4));
        check(x -> x[0].matmul(x[1]), leaf(3, 4), leaf(4));
        check(x -> x[0].matmul(x[1]), leaf(4), leaf(4, 3));
    }

    @Test
    void linear() {
        check(x -> Tensor.linear(x[0], x[1], x[2]), leaf(2, 3, 4), leaf(5, 4), leaf(5));
        check(x -> Tensor.linear(x[0], x[1], null), leaf(3, 4), leaf(2, 4));
        check(x -> Tensor.linear(x[0], x[1], x[2]), leaf(3, 4), leaf(2, 4), leaf(2));
        check(x -> Tensor.linear(x[0], x[1], null), leaf(2, 3, 4), leaf(2, 4));
    }

    // ---------------------------------------------------------------- views

    @Test
    void views() {
        check(x -> x[0].view(3, 4), leaf(2, 6));
        check(x -> x[0].transpose(0, 1).reshape(12), leaf(3, 4)); // reshape of a transpose copies
        check(x -> x[0].permute(2, 0, 1), leaf(2, 3, 4));
        check(x -> x[0].unsqueeze(1).squeeze(), leaf(3, 4));
        check(x -> x[0].unsqueeze(0).squeeze(0), leaf(3, 4));
        check(x -> x[0].flatten(1, 2), leaf(2, 3, 4));
        check(x -> x[0].narrow(1, 1, 2), leaf(3, 4));
        check(x -> x[0].slice(0, 0, 5, 2), leaf(5, 2));
        check(x -> x[0].select(1, 2), leaf(3, 4));
        check(x -> x[0].expand(2, 3, 4), leaf(3, 1));
        check(x -> x[0].transpose(0, 1).contiguous(), leaf(3, 4));
        check(x -> x[0].t().mul(1f), leaf(3, 4));
        check(x -> x[0].clone(), leaf(3));
    }

    // ---------------------------------------------------------------- indexing and masks

    @Test
    void masks() {
        Tensor mask = Tensor.ones(4, 4).triu(1).toBool();
        check(x -> x[0].maskedFill(mask, Float.NEGATIVE_INFINITY).softmax(-1), leaf(4, 4));
        check(x -> {
            Tensor s = x[0].mul(1f);
            s.maskedFill_(mask, Float.NEGATIVE_INFINITY);
            return s.softmax(-1);
        }, leaf(4, 4));
        Tensor cond = Tensor.fromArray(new boolean[] {true, false, true});
        check(x -> Tensor.where(cond, x[0], x[1]), leaf(2, 3), leaf(3));
        check(x -> x[0].triu(1), leaf(3, 3));
        check(x -> x[0].tril(0), leaf(2, 3, 3));
    }

    @Test
    void catStackEmbeddingGather() {
        check(x -> Tensor.cat(List.of(x[0], x[1]), 1), leaf(2, 3), leaf(2, 2));
        check(x -> Tensor.stack(List.of(x[0], x[1]), 0), leaf(2, 3), leaf(2, 3));
        Tensor ids = Tensor.fromArray(new long[][] {{0, 2, 2}, {3, 1, 0}});
        check(x -> Tensor.embedding(x[0], ids), leaf(4, 5));
        Tensor idx = Tensor.fromArray(new long[][] {{2, 0}, {1, 1}});
        check(x -> x[0].gather(1, idx), leaf(2, 3));
    }

    // ---------------------------------------------------------------- fused layers and losses

    @Test
    void layerNormFused() {
        check(x -> dev.scratchllm.nn.Functional.layerNorm(x[0], x[1], x[2], 1e-5f), leaf(2, 3, 6), leaf(0.5f, 1.5f, 6), leaf(6));
        check(x -> dev.scratchllm.nn.Functional.layerNorm(x[0], null, null, 1e-5f), leaf(4, 5));
    }

    @Test
    void crossEntropyFused() {
        Tensor targets = Tensor.fromArray(new long[] {2, -100, 0, 4});
        check(x -> dev.scratchllm.nn.Functional.crossEntropy(x[0], targets), leaf(-2f, 2f, 4, 5));
    }

    @Test
    void regressionAndBinaryLosses() {
        Tensor y = Tensor.fromArray(new float[] {1f, 0f, 1f});
        check(x -> dev.scratchllm.nn.Functional.mseLoss(x[0], y), leaf(3));
        check(x -> dev.scratchllm.nn.Functional.binaryCrossEntropy(x[0], y), leaf(0.2f, 0.8f, 3));
    }

    @Test
    void logSigmoid() {
        // both branches of the stable formula (x < 0 and x >= 0), and large |x|
        check(x -> dev.scratchllm.nn.Functional.logSigmoid(x[0]), leaf(-6f, 6f, 2, 5));
        Tensor big = Tensor.fromArray(new float[] {-60f, 60f});
        assertThat(dev.scratchllm.nn.Functional.logSigmoid(big).toFloatArray()).containsExactly(-60f, -8.756511e-27f); // torch.nn.functional.logsigmoid(torch.tensor([-60., 60.]))
    }

    // ---------------------------------------------------------------- coverage

    static final Pattern NODE = Pattern.compile("\"([A-Z][A-Za-z]*Backward\\d)\"");

    /** All node names that appear as string literals in the main sources. */
    static Set<String> declaredNodes() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                Matcher m = NODE.matcher(Files.readString(p));
                while (m.find()) names.add(m.group(1));
            }
        }
        return names;
    }

    @AfterAll
    static void everyOpIsChecked() throws IOException {
        Set<String> declared = declaredNodes();
        Set<String> seen = GradCheck.seenNodes();
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(seen);
        System.out.println("GradientTest: " + declared.size() + " backward nodes declared, " + seen.size() + " traversed by gradient checks");
        assertThat(declared).isNotEmpty();
        assertThat(missing).as("ops without a gradient check").isEmpty();
    }
}

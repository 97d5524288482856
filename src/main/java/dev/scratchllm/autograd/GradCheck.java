package dev.scratchllm.autograd;

import dev.scratchllm.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * A reusable gradient checker: compares the gradients that {@link Tensor#backward()} computes
 * with central finite differences. The function's output is projected onto a fixed random
 * tensor {@code w} ({@code L = Σ f(x)·w}, summed in double) so that every output element
 * matters; each input element is nudged by ±{@code eps} and the change of {@code L} gives the
 * numerical derivative. The function itself runs in float32, so use a step near {@code 1e-2}
 * and tolerances near {@code 1e-2} relative; choose inputs away from kinks (ReLU at 0, ties
 * of max). It also records the names of the graph nodes it saw, so a test suite can show that
 * every op has been checked.
 */
public final class GradCheck {
    private static final Set<String> SEEN = Collections.synchronizedSet(new LinkedHashSet<>());

    /**
     * The outcome: the largest absolute error, where it was, and whether it passed.
     *
     * @param ok true if every element was within tolerance
     * @param maxAbsError the largest absolute error seen (or the error of the first failing element)
     * @param input the index of the input where {@code maxAbsError} occurred, -1 if none
     * @param element the flat index of that element in its input, -1 if none
     * @param analytic the gradient from backward at that element
     * @param numeric the finite-difference gradient at that element
     */
    public record Result(boolean ok, double maxAbsError, int input, int element, double analytic, double numeric) {
        @Override
        public String toString() {
            return (ok ? "ok" : "FAILED") + ": max |analytic - numeric| = " + maxAbsError + " at input " + input + " element " + element
                    + " (analytic " + analytic + ", numeric " + numeric + ")";
        }
    }

    private GradCheck() {
    }

    /**
     * Names of all graph nodes ({@code AddBackward0}, …) that any check has traversed in this JVM.
     *
     * @return a copy of the set of node names, in the order first seen
     */
    public static Set<String> seenNodes() {
        synchronized (SEEN) {
            return new LinkedHashSet<>(SEEN);
        }
    }

    /**
     * Checks with step 1e-2, absolute tolerance 1e-3 and relative tolerance 1e-2.
     *
     * @param f the function to check; it receives {@code inputs} and may be called many times
     * @param inputs the inputs; those that require grad are checked
     * @return the outcome of the check
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, 1e-2, 1e-3, 1e-2, inputs);
    }

    /**
     * Checks the gradients of {@code f} with respect to every input that requires grad.
     * Inputs must be contiguous float leaves; they are restored after each nudge.
     *
     * @param f the function to check; it receives {@code inputs} and may be called many times
     * @param eps the finite-difference step
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numerical gradient
     * @param inputs the inputs; those that require grad are checked
     * @return the outcome of the check
     * @throws IllegalArgumentException if an input that requires grad is not contiguous or does not own its
     *     whole storage
     */
    public static Result check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (Tensor t : inputs) t.zeroGrad();
        Tensor out = f.apply(inputs);
        recordNodes(out);
        Random rnd = new Random(42);
        float[] w = new float[out.numel()];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextDouble() * 2 - 1);
        Tensor wt = Tensor.of(w, out.shape());
        out.backward(wt);
        Result worst = new Result(true, 0, -1, -1, 0, 0);
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (!in.requiresGrad()) continue;
            float[] data = in.contiguousData();
            if (data.length != in.numel() || !in.isContiguous())
                throw new IllegalArgumentException("GradCheck: inputs must be contiguous leaves that own their storage");
            Tensor g = in.grad();
            float[] analytic = g == null ? new float[data.length] : g.toFloatArray();
            for (int e = 0; e < data.length; e++) {
                float orig = data[e];
                data[e] = (float) (orig + eps);
                double plus = project(f, inputs, w);
                data[e] = (float) (orig - eps);
                double minus = project(f, inputs, w);
                data[e] = orig;
                double h = ((double) (float) (orig + eps) - (double) (float) (orig - eps));
                double numeric = (plus - minus) / h;
                double err = Math.abs(numeric - analytic[e]);
                boolean ok = err <= atol + rtol * Math.abs(numeric);
                if (!ok || err > worst.maxAbsError()) {
                    boolean allOk = worst.ok() && ok;
                    if (!ok || worst.ok()) worst = new Result(allOk, err, i, e, analytic[e], numeric);
                }
            }
        }
        return worst;
    }

    private static double project(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] w) {
        try (var ng = GradMode.noGrad()) {
            float[] o = f.apply(inputs).toFloatArray();
            double s = 0;
            for (int i = 0; i < o.length; i++) s += (double) o[i] * w[i];
            return s;
        }
    }

    private static void recordNodes(Tensor out) {
        Node root = out.gradFn();
        if (root == null) return;
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (seen.put(n, Boolean.TRUE) != null) continue;
            SEEN.add(n.name());
            for (Tensor t : n.inputs()) if (t != null && t.gradFn() != null) stack.push(t.gradFn());
        }
    }
}

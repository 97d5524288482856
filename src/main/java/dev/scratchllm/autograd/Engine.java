package dev.scratchllm.autograd;

import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backward pass: walks the graph behind a tensor in reverse topological order with an
 * explicit stack (no recursion, so a 48-layer GPT's deep graph cannot overflow the Java stack),
 * sums the gradients that reach each node, and accumulates into {@code grad} of the leaves that
 * require it. Runs with the graph not recorded (no double backward). Like PyTorch, it releases
 * each node once the node's gradients are computed (its inputs and the tensors its rule saved),
 * so a step's activations become garbage during the pass; {@code retainGraph} keeps the graph for
 * a second backward ({@code retain_graph=True}).
 */
public final class Engine {
    private Engine() {
    }

    /**
     * Back-propagates {@code gradient} (same shape as {@code root}) through the graph of {@code root}.
     *
     * @param root the tensor to differentiate; it must require grad
     * @param gradient dL/d(root), of the same shape as {@code root}
     * @throws IllegalStateException if {@code root} does not require grad
     * @throws IllegalArgumentException if the shapes of {@code gradient} and {@code root} differ
     */
    public static void backward(Tensor root, Tensor gradient) {
        backward(root, gradient, false);
    }

    /**
     * Back-propagates {@code gradient} through the graph of {@code root}, and keeps the graph when
     * {@code retainGraph} is true; otherwise each node is released once it has run, and a second
     * backward through it throws.
     *
     * @param root the tensor to differentiate; it must require grad
     * @param gradient dL/d(root), of the same shape as {@code root}
     * @param retainGraph keep the graph for another backward ({@code retain_graph=True})
     * @throws IllegalStateException if {@code root} does not require grad, or the graph was released
     * @throws IllegalArgumentException if the shapes of {@code gradient} and {@code root} differ
     */
    public static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad())
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (!Arrays.equals(root.shape(), gradient.shape()))
            throw new IllegalArgumentException("backward: gradient has shape " + Shape.str(gradient.shape())
                    + " but the output has shape " + Shape.str(root.shape()));
        try (var scope = GradMode.noGrad()) {
            Node start = root.gradFn();
            if (start == null) { // a leaf
                root.accumulateGrad(gradient);
                return;
            }
            List<Node> order = topologicalOrder(start);
            Map<Node, Tensor> pending = new IdentityHashMap<>();
            pending.put(start, gradient);
            for (int i = order.size() - 1; i >= 0; i--) {
                Node node = order.get(i);
                Tensor g = pending.remove(node);
                if (g == null) continue;
                if (node.retained() != null) node.retained().accumulateGrad(g);
                Tensor[] inputs = node.inputsUnsafe();
                Tensor[] grads = node.apply(g);
                if (!retainGraph) node.release();
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in == null || !in.requiresGrad() || grads[k] == null) continue;
                    Tensor gk = grads[k];
                    if (!Arrays.equals(in.shape(), gk.shape()))
                        throw new IllegalStateException(node.name() + ": backward produced a gradient of shape "
                                + Shape.str(gk.shape()) + " for input " + k + " of shape " + Shape.str(in.shape()));
                    Node producer = in.gradFn();
                    if (producer == null) {
                        in.accumulateGrad(gk);
                    } else {
                        Tensor prev = pending.get(producer);
                        pending.put(producer, prev == null ? gk : prev.add(gk));
                    }
                }
            }
        }
    }

    /** Nodes reachable from {@code start}, each after all nodes it reads from (post-order). */
    static List<Node> topologicalOrder(Node start) {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {node, next input index}
        stack.push(new Object[] {start, 0});
        seen.put(start, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node node = (Node) top[0];
            int idx = (Integer) top[1];
            Tensor[] inputs = node.inputsUnsafe();
            boolean pushed = false;
            while (idx < inputs.length) {
                Tensor in = inputs[idx++];
                Node child = in == null ? null : in.gradFn();
                if (child != null && in.requiresGrad() && seen.put(child, Boolean.TRUE) == null) {
                    top[1] = idx;
                    stack.push(new Object[] {child, 0});
                    pushed = true;
                    break;
                }
            }
            if (!pushed) {
                stack.pop();
                order.add(node);
            }
        }
        return order;
    }
}

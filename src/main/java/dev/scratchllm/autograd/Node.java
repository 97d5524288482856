package dev.scratchllm.autograd;

import dev.scratchllm.tensor.Tensor;

/**
 * One step of the recorded computation: the operation that produced a tensor, the tensors it
 * read, and the rule that turns the gradient of its output into gradients of its inputs. The
 * name is PyTorch's ({@code AddBackward0}, {@code MmBackward0}, …) so that a tensor prints
 * {@code grad_fn=<AddBackward0>} as in the book. Nodes are created by the ops; users only see
 * them through {@link Tensor#gradFn()}.
 */
public final class Node {
    /** The backward rule of one op: maps dL/d(output) to dL/d(input i) for every input (null where not needed). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String name;
    private final Tensor[] inputs;
    private final Backward backward;
    private Tensor retained;

    private Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** A node named {@code name} over {@code inputs} with the given rule. */
    public static Node of(String name, Tensor[] inputs, Backward backward) {
        return new Node(name, inputs, backward);
    }

    /** PyTorch's name for this node, for example {@code MulBackward0}. */
    public String name() {
        return name;
    }

    /** The tensors this op read, in argument order. */
    public Tensor[] inputs() {
        return inputs.clone();
    }

    Tensor[] inputsUnsafe() {
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        return backward.apply(gradOutput);
    }

    /** Makes the engine keep the gradient of this node's output in {@code output.grad()} (retain_grad). */
    public void retainGradIn(Tensor output) {
        this.retained = output;
    }

    Tensor retained() {
        return retained;
    }

    @Override
    public String toString() {
        return "<" + name + ">";
    }
}

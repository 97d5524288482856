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
        /**
         * Computes the gradients of the inputs from the gradient of the output.
         *
         * @param gradOutput dL/d(output), shaped like the output
         * @return one gradient per input, in argument order, each shaped like its input (null for an input
         *     that needs none)
         */
        Tensor[] apply(Tensor gradOutput);
    }

    private static final Tensor[] RELEASED = new Tensor[0];

    private final String name;
    private Tensor[] inputs;
    private Backward backward;
    private Tensor retained;

    private Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    /**
     * A node named {@code name} over {@code inputs} with the given rule.
     *
     * @param name PyTorch's name of the backward op, e.g. {@code AddBackward0}
     * @param inputs the tensors the op read, in argument order (kept, not copied)
     * @param backward the rule from the output's gradient to the inputs' gradients
     * @return the new node
     */
    public static Node of(String name, Tensor[] inputs, Backward backward) {
        return new Node(name, inputs, backward);
    }

    /**
     * PyTorch's name for this node, for example {@code MulBackward0}.
     *
     * @return the node's name
     */
    public String name() {
        return name;
    }

    /**
     * The tensors this op read, in argument order; none once a backward pass has released the node.
     *
     * @return a copy of the input array
     */
    public Tensor[] inputs() {
        return inputs.clone();
    }

    /** {@return whether a backward pass without {@code retainGraph} has released this node} */
    public boolean released() {
        return backward == null;
    }

    /**
     * Drops the inputs and the rule (and with it every tensor the rule saved), as PyTorch frees a
     * node's saved tensors once its backward has run: the activations of a step become garbage
     * as the backward pass walks past them, not when the caller drops the loss.
     */
    void release() {
        inputs = RELEASED;
        backward = null;
    }

    Tensor[] inputsUnsafe() {
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        if (backward == null)
            throw new IllegalStateException("backward: trying to backward through the graph a second time (" + name
                    + " was released by an earlier backward); call backward(gradient, true) the first time to keep the"
                    + " graph (PyTorch: retain_graph=True)");
        return backward.apply(gradOutput);
    }

    /**
     * Makes the engine keep the gradient of this node's output in {@code output.grad()} (retain_grad).
     *
     * @param output the tensor this node produced
     */
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

package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

/**
 * The gated feed-forward of Llama 3 and Qwen3 (SwiGLU), called {@code FeedForward} in both
 * reference files: {@code fc3(silu(fc1(x)) * fc2(x))}, three bias-free linear layers created in
 * the order {@code fc1}, {@code fc2}, {@code fc3} (so seeded initialisation and state-dict keys
 * match). Hugging Face calls them {@code gate_proj}, {@code up_proj} and {@code down_proj}.
 * It lives here, once, because both architectures use exactly the same block.
 */
public class SwiGLUFeedForward extends Module {
    /**
     * A block from {@code embDim} to {@code hiddenDim} and back.
     *
     * @param embDim the model width
     * @param hiddenDim the intermediate width ({@code hidden_dim} in the configs)
     */
    public SwiGLUFeedForward(int embDim, int hiddenDim) {
        registerModule("fc1", new Linear(embDim, hiddenDim, false));
        registerModule("fc2", new Linear(embDim, hiddenDim, false));
        registerModule("fc3", new Linear(hiddenDim, embDim, false));
    }

    /**
     * The gate projection.
     *
     * @return {@code fc1}
     */
    public Linear fc1() {
        return child("fc1", Linear.class);
    }

    /**
     * The up projection.
     *
     * @return {@code fc2}
     */
    public Linear fc2() {
        return child("fc2", Linear.class);
    }

    /**
     * The down projection.
     *
     * @return {@code fc3}
     */
    public Linear fc3() {
        return child("fc3", Linear.class);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor xFc1 = fc1().forward(x);   // (..., hidden_dim)
        Tensor xFc2 = fc2().forward(x);   // (..., hidden_dim)
        return fc3().forward(xFc1.silu().mul(xFc2)); // (..., emb_dim)
    }
}

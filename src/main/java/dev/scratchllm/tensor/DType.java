package dev.scratchllm.tensor;

/**
 * The element types a {@link Tensor} can hold. Floating tensors store {@code float} values;
 * integer tensors (token ids, targets, labels) store {@code long} values as PyTorch's
 * {@code int64}; boolean tensors (masks) store 0/1 in a float array. Only
 * {@link #FLOAT32} takes part in autograd.
 */
public enum DType {
    /** 32-bit IEEE float, PyTorch's default dtype. */
    FLOAT32("torch.float32"),
    /** 64-bit signed integer, PyTorch's {@code torch.long}. */
    INT64("torch.int64"),
    /** Boolean, PyTorch's {@code torch.bool}; produced by comparisons and used as masks. */
    BOOL("torch.bool");

    private final String torchName;

    DType(String torchName) {
        this.torchName = torchName;
    }

    /**
     * PyTorch's name for this dtype, for example {@code torch.float32}.
     *
     * @return the name
     */
    public String torchName() {
        return torchName;
    }
}

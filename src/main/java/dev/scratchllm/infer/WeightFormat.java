package dev.scratchllm.infer;

/**
 * How the inference path stores a weight matrix: float32 as trained, bfloat16 (the upper 16 bits
 * of each float32, rounded to nearest even: half the bytes, about 3 significant digits), or
 * Q8_0 (llama.cpp's scheme: blocks of 32 weights of a row stored as signed bytes with one
 * float32 scale per block, {@code scale = max|w| / 127}: 1.125 bytes per weight). The kernels
 * widen every weight to float32 before multiplying, so activations stay float32 throughout.
 */
public enum WeightFormat {
    /** 4 bytes per weight, the model's own values. */
    F32,
    /** 2 bytes per weight. */
    BF16,
    /** 1 byte per weight plus a 4-byte scale per 32 weights. */
    Q8_0
}

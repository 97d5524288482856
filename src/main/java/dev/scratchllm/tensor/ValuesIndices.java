package dev.scratchllm.tensor;

/**
 * The pair PyTorch returns from {@code max(dim)} and {@code topk}: the values (float, in the
 * graph) and their int64 indices.
 *
 * @param values the values, float
 * @param indices their indices, int64
 */
public record ValuesIndices(Tensor values, Tensor indices) {
}

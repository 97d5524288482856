package dev.scratchllm.data;

/**
 * A map-style data set, like {@code torch.utils.data.Dataset}: a size and random access to
 * examples. {@code T} is whatever one example is — for most of the book a pair of tensors
 * ({@code Tensor[]} of inputs and target).
 *
 * @param <T> the type of one example
 */
public interface Dataset<T> {
    /**
     * The number of examples ({@code __len__}).
     *
     * @return the size
     */
    int size();

    /**
     * Example {@code index}, {@code 0 <= index < size()} ({@code __getitem__}).
     *
     * @param index the example's index
     * @return the example
     */
    T get(int index);
}

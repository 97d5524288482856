package dev.scratchllm.appendixa;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.tensor.Tensor;

/**
 * Appendix A's {@code ToyDataset(X, y)}: example {@code i} is {@code (X[i], y[i])}. Also holds
 * the book's five training and two test points.
 */
public class ToyDataset implements Dataset<Tensor[]> {
    private final Tensor features, labels;

    /**
     * A dataset over matching rows of {@code features} and {@code labels}.
     *
     * @param features the inputs, one row per example
     * @param labels the class labels, one per example
     * @throws IllegalArgumentException if the row counts differ
     */
    public ToyDataset(Tensor features, Tensor labels) {
        if (features.size(0) != labels.size(0))
            throw new IllegalArgumentException("ToyDataset: " + features.size(0) + " feature rows but " + labels.size(0) + " labels");
        this.features = features;
        this.labels = labels;
    }

    @Override
    public int size() {
        return labels.size(0);
    }

    @Override
    public Tensor[] get(int index) {
        return new Tensor[] {features.get(index), labels.get(index)};
    }

    /**
     * The book's {@code X_train}.
     *
     * @return a new 5×2 tensor of training features
     */
    public static Tensor xTrain() {
        return Tensor.fromArray(new float[][] {{-1.2f, 3.1f}, {-0.9f, 2.9f}, {-0.5f, 2.6f}, {2.3f, -1.1f}, {2.7f, -1.5f}});
    }

    /**
     * The book's {@code y_train}.
     *
     * @return a new tensor of the 5 training labels
     */
    public static Tensor yTrain() {
        return Tensor.fromArray(new long[] {0, 0, 0, 1, 1});
    }

    /**
     * The book's {@code X_test}.
     *
     * @return a new 2×2 tensor of test features
     */
    public static Tensor xTest() {
        return Tensor.fromArray(new float[][] {{-0.8f, 2.8f}, {2.6f, -1.6f}});
    }

    /**
     * The book's {@code y_test}.
     *
     * @return a new tensor of the 2 test labels
     */
    public static Tensor yTest() {
        return Tensor.fromArray(new long[] {0, 1});
    }
}

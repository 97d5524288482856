package dev.scratchllm.nn;

import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;

/**
 * {@code nn.Embedding(numEmbeddings, embeddingDim)}: a lookup table of rows initialised from
 * N(0, 1) with the default generator, as PyTorch does. {@link #forward} takes int64 ids of any
 * shape and returns {@code ids.shape + [embeddingDim]}.
 */
public class Embedding extends Module {
    private final int num, dimE;

    /**
     * A table of {@code numEmbeddings} rows of size {@code embeddingDim}.
     *
     * @param numEmbeddings the number of rows (the vocabulary size), at least 1
     * @param embeddingDim the size of each row, at least 1
     * @throws IllegalArgumentException if a size is not positive
     */
    public Embedding(int numEmbeddings, int embeddingDim) {
        if (numEmbeddings < 1 || embeddingDim < 1)
            throw new IllegalArgumentException("Embedding: sizes must be positive, got " + numEmbeddings + " x " + embeddingDim);
        this.num = numEmbeddings;
        this.dimE = embeddingDim;
        if ((long) numEmbeddings * embeddingDim > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "Embedding: %d x %d = %,d elements, more than one tensor holds (%,d, a Java array's limit)",
                    numEmbeddings, embeddingDim, (long) numEmbeddings * embeddingDim, Integer.MAX_VALUE - 8));
        float[] w = new float[numEmbeddings * embeddingDim];
        Generator.defaultGenerator().initEmbedding_(w);
        registerParameter("weight", Tensor.of(w, numEmbeddings, embeddingDim));
    }

    /**
     * The table, shape {@code (numEmbeddings, embeddingDim)}.
     *
     * @return the weight parameter (live, not a copy)
     */
    public Tensor weight() {
        return parameter("weight");
    }

    @Override
    public Tensor forward(Tensor ids) {
        return Tensor.embedding(weight(), ids);
    }

    @Override
    protected String extraRepr() {
        return num + ", " + dimE;
    }
}

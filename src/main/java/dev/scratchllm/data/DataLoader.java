package dev.scratchllm.data;

import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * {@code torch.utils.data.DataLoader} with {@code num_workers=0}: batches of consecutive
 * indices (or of a shuffled permutation), an optional dropped short last batch, and a collate
 * function that turns a list of examples into a batch (default: {@link #stack}, stacking each
 * component of {@code Tensor[]} examples).
 *
 * <p>Randomness follows PyTorch exactly, so seeded runs see the same batches: every
 * {@link #iterator()} (each epoch, each loop over the loader) first draws a base seed from the
 * generator; with shuffling, the first {@code next()} then draws a seed for a private generator
 * whose {@code randperm(size)} orders the epoch. The generator is the default one unless given.
 *
 * @param <T> the type of one example
 * @param <B> the type of one batch
 */
public final class DataLoader<T, B> implements Iterable<B> {
    private final Dataset<T> dataset;
    private final int batchSize;
    private final boolean shuffle, dropLast;
    private final Function<List<T>, B> collate;
    private final Generator generator;

    /**
     * A loader over {@code dataset}.
     *
     * @param generator the generator for shuffling, or null for the default generator
     * @param dataset the examples
     * @param batchSize examples per batch, at least 1
     * @param shuffle whether each epoch visits the examples in a fresh random order
     * @param dropLast whether to drop the last batch when it is short
     * @param collate turns a list of examples into a batch
     * @throws IllegalArgumentException if {@code batchSize} is not positive
     */
    public DataLoader(Dataset<T> dataset, int batchSize, boolean shuffle, boolean dropLast,
                      Function<List<T>, B> collate, Generator generator) {
        if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batch_size should be a positive integer value, but got batch_size=" + batchSize);
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.collate = collate;
        this.generator = generator;
    }

    /**
     * The common case: examples are {@code Tensor[]} tuples, batches stack each component.
     *
     * @param dataset the examples
     * @param batchSize examples per batch, at least 1
     * @param shuffle whether each epoch visits the examples in a fresh random order
     * @param dropLast whether to drop the last batch when it is short
     * @return a loader that stacks each component, using the default generator
     */
    public static DataLoader<Tensor[], Tensor[]> of(Dataset<Tensor[]> dataset, int batchSize, boolean shuffle, boolean dropLast) {
        return new DataLoader<>(dataset, batchSize, shuffle, dropLast, DataLoader::stack, null);
    }

    /**
     * The number of batches per epoch ({@code len(loader)}).
     *
     * @return the number of batches one iteration yields
     */
    public int size() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The data set this loader reads.
     *
     * @return the data set
     */
    public Dataset<T> dataset() {
        return dataset;
    }

    /**
     * The number of examples per batch (the last may have fewer).
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The default collate: stacks component {@code i} of every example into batch component {@code i}.
     *
     * @param examples the examples, each with the same number of components and the same shapes per component
     * @return one tensor per component, with a new leading batch dimension
     * @throws IllegalArgumentException if the examples differ in components or shapes
     */
    public static Tensor[] stack(List<Tensor[]> examples) {
        int parts = examples.get(0).length;
        Tensor[] out = new Tensor[parts];
        for (int i = 0; i < parts; i++) {
            List<Tensor> col = new ArrayList<>(examples.size());
            for (Tensor[] ex : examples) {
                if (ex.length != parts) throw new IllegalArgumentException("DataLoader.stack: examples have different numbers of components");
                if (!java.util.Arrays.equals(ex[i].shape(), examples.get(0)[i].shape()))
                    throw new IllegalArgumentException("DataLoader.stack: component " + i + " has shapes " + Shape.str(examples.get(0)[i].shape())
                            + " and " + Shape.str(ex[i].shape()) + "; use a custom collate function for ragged examples");
                col.add(ex[i]);
            }
            out[i] = Tensor.stack(col, 0);
        }
        return out;
    }

    @Override
    public Iterator<B> iterator() {
        Generator g = generator != null ? generator : Generator.defaultGenerator();
        g.dataLoaderBaseSeed(); // PyTorch draws _base_seed at every iter(), shuffled or not
        int n = dataset.size();
        int batches = size();
        return new Iterator<>() {
            long[] order;
            int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public B next() {
                if (!hasNext()) throw new NoSuchElementException();
                if (order == null) {
                    if (shuffle) order = g.randomSamplerPermutation(n);
                    else {
                        order = new long[n];
                        for (int i = 0; i < n; i++) order[i] = i;
                    }
                }
                int start = next * batchSize, end = Math.min(n, start + batchSize);
                List<T> items = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) items.add(dataset.get((int) order[i]));
                next++;
                return collate.apply(items);
            }
        };
    }
}

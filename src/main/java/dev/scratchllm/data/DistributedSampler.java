package dev.scratchllm.data;

import dev.scratchllm.random.Generator;

/**
 * {@code torch.utils.data.distributed.DistributedSampler(dataset, num_replicas, rank, shuffle,
 * seed, drop_last)}: the indices of one replica's shard of a data set, for one epoch, as PyTorch
 * 1.13 computes them. With shuffling, a fresh generator seeded with {@code seed + epoch} draws
 * {@code randperm(size)}; without, the order is {@code 0..size-1}. Then the list is padded to a
 * multiple of the number of replicas by repeating its first indices (or, with {@code dropLast},
 * cut to one), and replica {@code r} takes the indices at positions {@code r, r+R, r+2R, …}.
 *
 * <p>It only computes indices; batching them is the caller's (consecutive runs of a replica's
 * shard, as a {@code DataLoader} over the sampler does). It holds no generator state: the same
 * arguments always give the same shard, which is what lets a data-parallel step be recomputed.
 */
public final class DistributedSampler {
    private final int size, numReplicas, rank;
    private final boolean shuffle, dropLast;
    private final long seed;

    /**
     * A sampler over a data set of {@code size} examples.
     *
     * @param size the number of examples in the data set, at least 0
     * @param numReplicas the number of replicas (workers), at least 1
     * @param rank this replica's rank, in {@code [0, numReplicas)}
     * @param shuffle whether each epoch uses a seeded random order
     * @param seed the base seed (PyTorch's default is 0)
     * @param dropLast whether to drop the tail that does not fill every replica, instead of padding
     * @throws IllegalArgumentException if a count or the rank is out of range
     */
    public DistributedSampler(int size, int numReplicas, int rank, boolean shuffle, long seed, boolean dropLast) {
        if (size < 0) throw new IllegalArgumentException("DistributedSampler: dataset size must be >= 0, got " + size);
        if (numReplicas < 1) throw new IllegalArgumentException("DistributedSampler: num_replicas must be >= 1, got " + numReplicas);
        if (rank < 0 || rank >= numReplicas)
            throw new IllegalArgumentException("DistributedSampler: Invalid rank " + rank + ", rank should be in the interval [0, " + (numReplicas - 1) + "]");
        this.size = size;
        this.numReplicas = numReplicas;
        this.rank = rank;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    /**
     * The number of indices each replica gets per epoch ({@code len(sampler)}, {@code num_samples}).
     *
     * @return the shard length
     */
    public int numSamples() {
        if (dropLast && size % numReplicas != 0) return (int) Math.ceil((double) (size - numReplicas) / numReplicas);
        return (size + numReplicas - 1) / numReplicas;
    }

    /**
     * The total number of indices over all replicas ({@code total_size}).
     *
     * @return {@code numSamples() * numReplicas}
     */
    public int totalSize() {
        return numSamples() * numReplicas;
    }

    /**
     * This replica's indices for an epoch ({@code set_epoch(epoch); list(iter(sampler))}).
     *
     * @param epoch the epoch, added to the seed when shuffling
     * @return the shard, {@link #numSamples()} indices into the data set
     */
    public long[] indices(long epoch) {
        long[] all = epochOrder(epoch);
        int n = numSamples();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = all[rank + i * numReplicas];
        return out;
    }

    /** The padded (or cut) order of the whole epoch, {@link #totalSize()} indices, before sharding. */
    private long[] epochOrder(long epoch) {
        long[] order;
        if (shuffle) order = new Generator(seed + epoch).randperm(size);
        else {
            order = new long[size];
            for (int i = 0; i < size; i++) order[i] = i;
        }
        int total = totalSize();
        long[] out = new long[total];
        if (size == 0) {
            if (total > 0) throw new IllegalStateException("DistributedSampler: cannot pad an empty data set");
            return out;
        }
        // dropLast cuts to total; otherwise pad by repeating the list from its start (indices * k)[:padding]
        for (int i = 0; i < total; i++) out[i] = order[i % size];
        return out;
    }
}

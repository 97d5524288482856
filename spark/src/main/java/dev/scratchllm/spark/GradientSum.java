package dev.scratchllm.spark;

import java.io.Serializable;

/**
 * What {@code treeAggregate} sums over the workers of one step: the parameters' gradients
 * (element-wise float sums), the workers' mean batch losses (each times its weight), the weights, how many workers contributed, and
 * the slowest worker's broadcast-fetch and compute times. The zero value holds no arrays, so it
 * costs nothing to ship with every task.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;
    float[][] grads;   // one array per parameter, in Module.parameters() order (null for a frozen one); null in the zero value
    double loss;       // sum of the workers' mean batch losses
    int workers;       // how many workers' results are in the sum
    double weight;     // the sum of the workers' loss weights (LossFunction.weight); grads and loss are weighted by them
    long fetchNanos;   // the slowest worker's time to read the broadcast weights
    long computeNanos; // the slowest worker's time for forward, backward and copying the gradients

    GradientSum() {
    }

    GradientSum(float[][] grads, double loss, double weight, long fetchNanos, long computeNanos) {
        this.grads = grads;
        this.loss = loss;
        this.weight = weight;
        this.workers = 1;
        this.fetchNanos = fetchNanos;
        this.computeNanos = computeNanos;
    }

    /** Adds {@code o} into this sum (this one's arrays are reused) and returns this. */
    GradientSum add(GradientSum o) {
        if (o.workers == 0) return this;
        if (grads == null) grads = o.grads;
        else {
            if (grads.length != o.grads.length)
                throw new IllegalStateException("GradientSum.add: " + grads.length + " vs " + o.grads.length + " parameters");
            for (int i = 0; i < grads.length; i++) {
                float[] a = grads[i], b = o.grads[i];
                if ((a == null) != (b == null)) throw new IllegalStateException("GradientSum.add: parameter " + i + " is frozen on one worker only");
                if (a == null) continue; // frozen: no gradient anywhere
                if (a.length != b.length) throw new IllegalStateException("GradientSum.add: parameter " + i + " has " + a.length + " vs " + b.length + " elements");
                for (int j = 0; j < a.length; j++) a[j] += b[j];
            }
        }
        loss += o.loss;
        workers += o.workers;
        weight += o.weight;
        fetchNanos = Math.max(fetchNanos, o.fetchNanos);
        computeNanos = Math.max(computeNanos, o.computeNanos);
        return this;
    }
}

package dev.scratchllm.spark;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.data.DistributedSampler;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.optim.GradClip;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Synchronous data-parallel training on Spark (appendix A's DistributedDataParallel, in the
 * pattern of MLlib's mini-batch gradient descent). Every step the driver broadcasts the current
 * weights; each of {@code workers} tasks takes its shard of the step's examples
 * ({@link DistributedSampler}: seeded shuffle per epoch, padding to equal shards, batches of
 * consecutive shard indices), computes the mean loss and the gradients with the library's
 * autograd, and {@code treeAggregate} sums them; the driver averages (weighted by
 * {@link LossFunction#weight}: per worker by default, per target token for chapter 7's padded
 * batches), clips (appendix D, from the
 * end of the warm-up), sets the learning rate (appendix D's schedule, if given) and steps AdamW,
 * whose state lives only on the driver. Every {@code checkpointEvery} steps it writes an atomic
 * {@link Checkpoint}; a run started with {@code resume} continues from it bit-identically.
 *
 * <p>Tasks hold no state that changes their result: the model an executor builds is cached per
 * thread only to save its construction, and all its parameters are overwritten from the broadcast
 * before each use; the default generator is seeded from the seed, the step and the rank, so a
 * retried task recomputes the same gradients. With two workers the sum does not depend on the
 * order in which tasks finish (float addition commutes); with more, Spark merges partial sums
 * in completion order, so the last bits can differ between runs (docs/spark.md).
 *
 * <p>It does not shard parameters or optimizer state (the model must fit on every executor and
 * be broadcast every step), evaluate on a validation set, or make dropout reproducible when
 * several tasks share one executor JVM (they share the default generator).
 */
public final class SparkDataParallel {
    /**
     * Appendix D's learning-rate schedule: linear warm-up from {@code initialLr} to the peak
     * (the config's {@code lr}), cosine decay to {@code minLr}; gradients clipped to norm 1.0 from
     * step {@code warmupSteps} on.
     *
     * @param warmupSteps the warm-up steps, at least 1
     * @param initialLr the learning rate of step 0
     * @param minLr the learning rate at the end of the cosine
     */
    public record Schedule(int warmupSteps, double initialLr, double minLr) implements Serializable {
        /**
         * Checks the warm-up length.
         *
         * @throws IllegalArgumentException if {@code warmupSteps < 1}
         */
        public Schedule {
            if (warmupSteps < 1) throw new IllegalArgumentException("Schedule: warmupSteps must be >= 1, got " + warmupSteps);
        }
    }

    /**
     * The run's settings.
     *
     * @param workers the number of workers (tasks, partitions, DistributedSampler's replicas), at least 1
     * @param batchPerWorker the examples per worker per step, at least 1
     * @param epochs the passes over the data
     * @param seed the sampler's seed (its shuffle uses {@code seed + epoch}) and the base of the task seeds
     * @param lr the AdamW learning rate (the peak rate with a schedule)
     * @param weightDecay the AdamW weight decay
     * @param schedule appendix D's schedule and clipping, or null for a constant rate without clipping
     * @param checkpointEvery save a checkpoint every this many steps; 0 for never
     * @param checkpointDir where to save checkpoints, or null
     * @param resume whether to continue from the checkpoint in {@code checkpointDir} if there is one
     * @param stopAfter stop before this global step, as if the job were killed (no final checkpoint);
     *     {@code Long.MAX_VALUE} to run every epoch
     */
    public record Config(int workers, int batchPerWorker, int epochs, long seed, double lr, double weightDecay, Schedule schedule,
                         int checkpointEvery, Path checkpointDir, boolean resume, long stopAfter) {
        /**
         * Checks the counts.
         *
         * @throws IllegalArgumentException if a count is out of range, or checkpoints are asked for without a folder
         */
        public Config {
            if (workers < 1 || batchPerWorker < 1 || epochs < 0 || checkpointEvery < 0 || stopAfter < 0)
                throw new IllegalArgumentException("SparkDataParallel.Config: need workers >= 1, batchPerWorker >= 1, epochs >= 0, checkpointEvery >= 0, stopAfter >= 0; got "
                        + workers + ", " + batchPerWorker + ", " + epochs + ", " + checkpointEvery + ", " + stopAfter);
            if ((checkpointEvery > 0 || resume) && checkpointDir == null)
                throw new IllegalArgumentException("SparkDataParallel.Config: checkpointEvery and resume need a checkpointDir");
        }
    }

    /**
     * Wall time of one step, split into its parts (nanoseconds).
     *
     * @param broadcast the driver's time to create the weights' broadcast (serializing them into blocks)
     * @param fetch the slowest task's time to read the broadcast weights
     * @param compute the slowest task's time for forward, backward and copying out the gradients
     * @param job the whole Spark job (tasks, result transfer, merging the sums); {@code job - fetch - compute}
     *     is the scheduling and aggregation overhead
     * @param optimizer the driver's averaging, clipping and AdamW step
     */
    public record StepTimes(long broadcast, long fetch, long compute, long job, long optimizer) {
        /**
         * The part of the job that is neither fetching nor computing: scheduling, serializing and
         * merging the gradient sums.
         *
         * @return {@code job - fetch - compute}, at least 0
         */
        public long aggregation() {
            return Math.max(0, job - fetch - compute);
        }
    }

    /** Called on the driver after every optimizer step. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * After step {@code step}.
         *
         * @param epoch the epoch, from 0
         * @param step the global step, from 0
         * @param loss the mean loss of the step's batch (all workers)
         * @param times the step's wall-time split
         */
        void onStep(int epoch, long step, double loss, StepTimes times);
    }

    /**
     * What a run did.
     *
     * @param firstStep the first global step this run computed (after a resume, the checkpoint's step)
     * @param losses the mean batch loss of every step it computed, from {@code firstStep}
     * @param times the time split of every step it computed
     * @param stepsPerEpoch the steps of one epoch
     */
    public record Result(long firstStep, List<Double> losses, List<StepTimes> times, int stepsPerEpoch) {
    }

    private final JavaSparkContext sc;
    private final ModelFactory factory;
    private final LossFunction lossFunction;
    private final BatchCollate collate;
    private final TaskHook hook;

    /**
     * A trainer on {@code sc}.
     *
     * @param sc the Spark context
     * @param factory builds the model on the executors
     * @param lossFunction the batch loss
     * @param collate makes a worker's batch from its examples
     * @param hook called at the start of every task (tests); {@link TaskHook#NONE} otherwise
     */
    public SparkDataParallel(JavaSparkContext sc, ModelFactory factory, LossFunction lossFunction, BatchCollate collate, TaskHook hook) {
        this.sc = sc;
        this.factory = factory;
        this.lossFunction = lossFunction;
        this.collate = collate;
        this.hook = hook;
    }

    /**
     * Trains {@code model} (the driver's replica, built by the same factory) on {@code data}.
     *
     * @param model the model to train; its weights are the starting point (or the checkpoint's, when resuming)
     * @param data the training examples
     * @param c the settings
     * @param listener called after every step, or null
     * @return the losses and times of the steps this run computed
     * @throws IOException if a checkpoint cannot be written or read, or does not match the settings
     * @throws IllegalStateException if the loss becomes NaN or infinite, or the data give no full step
     */
    public Result train(Module model, Dataset<Tensor[]> data, Config c, StepListener listener) throws IOException {
        List<Tensor> params = model.parameters();
        AdamW optimizer = new AdamW(params, c.lr(), 0.9, 0.999, 1e-8, c.weightDecay());
        Map<String, String> runInfo = Map.of("spark.workers", String.valueOf(c.workers()), "spark.batch_per_worker", String.valueOf(c.batchPerWorker()),
                "spark.seed", String.valueOf(c.seed()), "spark.examples", String.valueOf(data.size()));
        long start = 0;
        if (c.checkpointDir() != null) {
            if (c.resume() && Files.exists(c.checkpointDir())) {
                Checkpoint.Info info = Checkpoint.load(c.checkpointDir(), model, optimizer);
                for (var e : runInfo.entrySet())
                    if (!e.getValue().equals(info.extra().get(e.getKey())))
                        throw new IOException(c.checkpointDir() + ": field " + e.getKey() + " is " + info.extra().get(e.getKey())
                                + " but this run has " + e.getValue() + "; resuming would change the data order");
                start = info.step();
            } else Checkpoint.prepareSave(c.checkpointDir());
        }

        DistributedSampler[] samplers = new DistributedSampler[c.workers()];
        for (int r = 0; r < c.workers(); r++) samplers[r] = new DistributedSampler(data.size(), c.workers(), r, true, c.seed(), false);
        int stepsPerEpoch = samplers[0].numSamples() / c.batchPerWorker();
        if (stepsPerEpoch == 0)
            throw new IllegalStateException("SparkDataParallel: " + data.size() + " examples give each of " + c.workers() + " workers "
                    + samplers[0].numSamples() + ", fewer than one batch of " + c.batchPerWorker());
        long totalSteps = (long) stepsPerEpoch * c.epochs();
        long end = Math.min(totalSteps, c.stopAfter());

        Broadcast<Examples> examples = sc.broadcast(Examples.of(data));
        String modelKey = UUID.randomUUID().toString(); // the executors' cached replica belongs to this run only
        List<Double> losses = new ArrayList<>();
        List<StepTimes> times = new ArrayList<>();
        long[][] shards = null;
        int shardEpoch = -1;
        try {
            for (long g = start; g < end; g++) {
                int epoch = (int) (g / stepsPerEpoch), k = (int) (g % stepsPerEpoch);
                if (epoch != shardEpoch) {
                    shards = new long[c.workers()][];
                    for (int r = 0; r < c.workers(); r++) shards[r] = samplers[r].indices(epoch);
                    shardEpoch = epoch;
                }
                List<WorkerTask> tasks = new ArrayList<>(c.workers());
                for (int r = 0; r < c.workers(); r++)
                    tasks.add(new WorkerTask(r, g, Arrays.copyOfRange(shards[r], k * c.batchPerWorker(), (k + 1) * c.batchPerWorker())));

                if (c.schedule() != null) {
                    Schedule s = c.schedule();
                    optimizer.setLr(Training.learningRate(g, s.warmupSteps(), totalSteps, s.initialLr(), c.lr(), s.minLr(),
                            (c.lr() - s.initialLr()) / s.warmupSteps()));
                }
                // the live parameter arrays: the driver does not touch them until the job is over
                float[][] weights = new float[params.size()][];
                for (int i = 0; i < weights.length; i++) weights[i] = params.get(i).contiguousData();
                long t0 = System.nanoTime();
                Broadcast<float[][]> bw = sc.broadcast(weights);
                long t1 = System.nanoTime();
                GradientSum sum = sc.parallelize(tasks, c.workers()).treeAggregate(new GradientSum(),
                        workerStep(bw, examples, factory, lossFunction, collate, hook, modelKey, c.seed()), GradientSum::add, 2);
                long t2 = System.nanoTime();
                bw.destroy();
                if (sum.workers != c.workers())
                    throw new IllegalStateException("SparkDataParallel: step " + g + " summed " + sum.workers + " workers' gradients, expected " + c.workers());

                double loss = sum.loss / sum.weight; // with the default weights of 1: the mean over the workers
                if (Double.isNaN(loss) || Double.isInfinite(loss))
                    throw new IllegalStateException("training stopped: the loss is " + loss + " at epoch " + (epoch + 1) + ", step " + g
                            + " (try a lower learning rate, gradient clipping, or check the data)");
                for (int i = 0; i < params.size(); i++) {
                    float[] gr = sum.grads[i];
                    if (gr == null) continue; // a frozen parameter: no gradient, AdamW skips it (as in one process)
                    float w = (float) sum.weight;
                    for (int j = 0; j < gr.length; j++) gr[j] /= w;
                    params.get(i).setGrad(Tensor.of(gr, params.get(i).shape()));
                }
                if (c.schedule() != null && g >= c.schedule().warmupSteps()) GradClip.clipGradNorm(params, 1.0);
                optimizer.step();
                optimizer.zeroGrad();
                long t3 = System.nanoTime();

                StepTimes st = new StepTimes(t1 - t0, sum.fetchNanos, sum.computeNanos, t2 - t1, t3 - t2);
                losses.add(loss);
                times.add(st);
                if (listener != null) listener.onStep(epoch, g, loss, st);
                boolean last = g + 1 == totalSteps;
                if (c.checkpointDir() != null && ((c.checkpointEvery() > 0 && (g + 1) % c.checkpointEvery() == 0) || last))
                    Checkpoint.save(c.checkpointDir(), model, optimizer, g + 1, (int) ((g + 1) / stepsPerEpoch), runInfo);
            }
        } finally {
            examples.destroy();
        }
        return new Result(start, losses, times, stepsPerEpoch);
    }

    /**
     * One worker's part of one step: its rank, the global step, and the data-set indices of its
     * batch (a plain class, not a record: Spark's Kryo serializer cannot build records).
     */
    static final class WorkerTask implements Serializable {
        private static final long serialVersionUID = 1L;
        private int rank;
        private long step;
        private long[] indices;

        WorkerTask() {
        }

        WorkerTask(int rank, long step, long[] indices) {
            this.rank = rank;
            this.step = step;
            this.indices = indices;
        }

        int rank() {
            return rank;
        }

        long step() {
            return step;
        }

        long[] indices() {
            return indices;
        }
    }

    /** The executors' replicas, one per task thread, for the run whose key they carry. */
    private static final ThreadLocal<Object[]> REPLICA = ThreadLocal.withInitial(() -> new Object[2]);

    /** The seed of a task's default generator: from the run's seed, the step and the rank only. */
    static long taskSeed(long seed, long step, int rank) {
        long h = seed * 0x9E3779B97F4A7C15L + step;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + rank;
        return (h ^ (h >>> 29)) & Long.MAX_VALUE;
    }

    /** The task's work, as a serializable function of static data only (no trainer captured). */
    static org.apache.spark.api.java.function.Function2<GradientSum, WorkerTask, GradientSum> workerStep(
            Broadcast<float[][]> weights, Broadcast<Examples> examples, ModelFactory factory, LossFunction lossFunction,
            BatchCollate collate, TaskHook hook, String modelKey, long seed) {
        return (acc, t) -> {
            TaskContext ctx = TaskContext.get();
            hook.beforeTask(t.step(), t.rank(), ctx == null ? 0 : ctx.attemptNumber());
            long t0 = System.nanoTime();
            float[][] w = weights.value();
            Examples data = examples.value();
            long t1 = System.nanoTime();
            Object[] slot = REPLICA.get();
            if (!modelKey.equals(slot[0])) {
                slot[1] = null; // let the previous run's replica go first
                slot[1] = factory.create();
                slot[0] = modelKey;
            }
            Module model = (Module) slot[1];
            List<Tensor> ps = model.parameters();
            if (ps.size() != w.length)
                throw new IllegalStateException("SparkDataParallel: the executor's model has " + ps.size() + " parameters, the driver's " + w.length);
            for (int i = 0; i < w.length; i++) {
                float[] dst = ps.get(i).contiguousData();
                if (dst.length != w[i].length)
                    throw new IllegalStateException("SparkDataParallel: parameter " + i + " has " + dst.length + " elements on the executor, " + w[i].length + " on the driver");
                System.arraycopy(w[i], 0, dst, 0, dst.length);
            }
            model.zeroGrad();
            model.train();
            Generator.defaultGenerator().manualSeed(taskSeed(seed, t.step(), t.rank()));
            List<Tensor[]> batch = new ArrayList<>(t.indices().length);
            for (long i : t.indices()) batch.add(data.get((int) i));
            Tensor[] b = collate.collate(batch);
            double weight = lossFunction.weight(b);
            if (!(weight > 0)) throw new IllegalStateException("SparkDataParallel: step " + t.step() + ", worker " + t.rank() + ": loss weight " + weight + ", expected > 0");
            Tensor loss = lossFunction.loss(model, b);
            loss.backward();
            float[][] grads = new float[ps.size()][];
            for (int i = 0; i < grads.length; i++) {
                Tensor gr = ps.get(i).grad();
                // frozen parameters send nothing; a trainable one the loss did not reach sends zeros
                grads[i] = !ps.get(i).requiresGrad() ? null : gr == null ? new float[ps.get(i).numel()] : gr.contiguousData();
                if (weight != 1 && grads[i] != null) {
                    float fw = (float) weight;
                    float[] scaled = grads[i].clone(); // the gradient's own array may be the autograd's buffer
                    for (int j = 0; j < scaled.length; j++) scaled[j] *= fw;
                    grads[i] = scaled;
                }
            }
            double l = loss.item() * weight;
            model.zeroGrad();
            long t2 = System.nanoTime();
            return acc.add(new GradientSum(grads, l, weight, t1 - t0, t2 - t1));
        };
    }
}

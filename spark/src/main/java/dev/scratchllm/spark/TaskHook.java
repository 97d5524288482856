package dev.scratchllm.spark;

import java.io.Serializable;

/**
 * Called in every gradient task before it computes anything: a test hook, for example one that
 * throws in the first attempt of one task to check that Spark's retry changes nothing. It must not
 * change the task's result.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {
    /** A hook that does nothing. */
    TaskHook NONE = (step, rank, attempt) -> { };

    /**
     * Runs before the task's forward pass.
     *
     * @param step the global step, from 0
     * @param rank the worker's rank (the partition)
     * @param attempt Spark's attempt number of this task, from 0
     */
    void beforeTask(long step, int rank, int attempt);
}

/*
 * DistributedPretrain: the hook through which `pretrain --spark URL` reaches a distributed trainer
 * that lives outside the core library (the spark module), found with java.util.ServiceLoader, so
 * that the core keeps zero dependencies. It does not train anything itself.
 */
package dev.scratchllm.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A trainer that runs {@code pretrain}'s options on a cluster engine. An implementation is
 * registered in {@code META-INF/services/dev.scratchllm.cli.DistributedPretrain} of its jar (the
 * spark module's is {@code dev.scratchllm.spark.SparkDistributedPretrain}); when one is on the class
 * path, {@code pretrain --spark URL} hands it every option, {@code --spark URL} included.
 */
public interface DistributedPretrain {
    /**
     * Trains with these options.
     *
     * @param args {@code pretrain}'s options, {@code --spark URL} included
     * @param out where to print progress and results
     * @throws IOException if the text cannot be read or a checkpoint cannot be written
     * @throws UsageException if an option is unknown or a value is out of range
     */
    void run(List<String> args, PrintStream out) throws IOException;

    /**
     * The first implementation on the class path, if any.
     *
     * @return the trainer, or null when none is installed
     */
    static DistributedPretrain find() {
        return ServiceLoader.load(DistributedPretrain.class).findFirst().orElse(null);
    }
}

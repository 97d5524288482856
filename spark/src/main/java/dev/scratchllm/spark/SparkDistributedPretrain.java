package dev.scratchllm.spark;

import dev.scratchllm.cli.DistributedPretrain;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The core command line's way to Spark: registered in
 * {@code META-INF/services/dev.scratchllm.cli.DistributedPretrain}, so that {@code scratchllm pretrain
 * --spark URL …} with this module on the class path runs {@link SparkPretrain} (which reads
 * {@code --spark URL} as its master). It adds nothing to the launcher.
 */
public final class SparkDistributedPretrain implements DistributedPretrain {
    /** For {@link java.util.ServiceLoader}. */
    public SparkDistributedPretrain() {
    }

    @Override
    public void run(List<String> args, PrintStream out) throws IOException {
        SparkPretrain.run(args, out);
    }
}

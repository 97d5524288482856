package dev.scratchllm.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A Spark context for the tests: local mode inside the test JVM, loopback only, no web UI. */
final class LocalSpark {
    private LocalSpark() {
    }

    /**
     * Starts one.
     *
     * @param master {@code local[N]}, or {@code local[N,F]} to allow F attempts per task
     * @param name the application's name (the test class)
     * @return the context; the caller stops it
     */
    static JavaSparkContext start(String master, String name) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(name)
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR");
        return sc;
    }
}

package dev.scratchllm.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code pretrain --spark URL} without the spark module on the class path: a usage error that says how to put it there. */
class PretrainSparkOptionTest {
    @Test
    void sparkIsAUsageErrorNamingTheSparkLauncher() {
        MainTest.Result r = MainTest.run("pretrain", "--spark", "local[2]", "--epochs", "1");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("scratchllm: pretrain: --spark local[2]: this build has no Spark")
                .contains("put scratchllm-spark on the class path").contains("-Dargs=\"pretrain --spark local[2] ...\"")
                .contains("dev.scratchllm.spark.SparkPretrain").contains("docs/spark.md");
        assertThat(DistributedPretrain.find()).as("the core's tests have no Spark on the class path").isNull();
        assertThat(MainTest.run("pretrain", "--help").out()).contains("--spark URL");
    }

    @Test
    void parseSettingsReadsPretrainsOptions() {
        Pretrain.Settings s = Pretrain.parseSettings(List.of("--epochs", "2", "--emb-dim", "64", "--heads", "4", "--batch", "4"));
        assertThat(s.epochs()).isEqualTo(2);
        assertThat(s.embDim()).isEqualTo(64);
        assertThat(s.batchSize()).isEqualTo(4);
        assertThat(s.lr()).isEqualTo(Pretrain.Settings.defaults().lr());
        assertThatThrownBy(() -> Pretrain.parseSettings(List.of("--spark", "local[2]"))).isInstanceOf(UsageException.class);
    }
}

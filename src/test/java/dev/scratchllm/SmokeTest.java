package dev.scratchllm;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
class SmokeTest { @Test void vector() { assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent(); } }

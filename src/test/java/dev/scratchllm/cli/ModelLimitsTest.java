package dev.scratchllm.cli;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelLimitsTest {
    @Test
    void theParameterCountIsTheBooksAndTheModelsOwn() {
        // the book, section 4.6: "Total number of parameters: 163,009,536"
        assertThat(ModelLimits.parameters(GPTConfig.GPT_CONFIG_124M)).isEqualTo(163_009_536L);
        for (GPTConfig c : new GPTConfig[] {new GPTConfig(50257, 16, 16, 2, 1, 0.0, false), new GPTConfig(300, 8, 12, 3, 3, 0.0, true)})
            assertThat(ModelLimits.parameters(c)).as(c.toString()).isEqualTo(new GPTModel(c).numParameters());
    }

    @Test
    void aModelBeyondTheHeapIsRefusedNamingTheHeap() {
        GPTConfig small = new GPTConfig(50257, 16, 16, 2, 1, 0.0, false);
        long needed = ModelLimits.parameters(small) * 16 + 16 * 16 * 4;
        ModelLimits.checkTrainable("pretrain", small, needed); // just fits
        assertThatThrownBy(() -> ModelLimits.checkTrainable("pretrain", small, needed - 1)).isInstanceOf(UsageException.class)
                .hasMessageContaining(String.format(java.util.Locale.ROOT, "has %,d parameters", new GPTModel(small).numParameters()))
                .hasMessageContaining("heap limit of 25 MiB (-Xmx)"); // 26,009,087 bytes
    }
}

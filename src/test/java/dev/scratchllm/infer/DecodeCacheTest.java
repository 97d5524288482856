package dev.scratchllm.infer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The head-major layout of {@link DecodeCache}: where {@code write} puts each head's floats. */
class DecodeCacheTest {
    @Test
    void writeScattersRowsIntoHeadMajorRuns() {
        int kvHeads = 3, headDim = 4, capacity = 5, kvDim = kvHeads * headDim, ld = kvDim + 2;
        DecodeCache c = new DecodeCache(2, 2, capacity, kvHeads, headDim);
        float[] k = new float[1 + 3 * ld], v = new float[1 + 3 * ld];
        for (int t = 0; t < 3; t++)
            for (int d = 0; d < kvDim; d++) {
                k[1 + t * ld + d] = 100 * t + d;        // position t, head d / headDim, element d % headDim
                v[1 + t * ld + d] = -(100 * t + d);
            }
        c.write(1, 1, 2, 3, k, v, 1, ld);                // slot 1, positions 2..4 of layer 1
        for (int t = 0; t < 3; t++)
            for (int hh = 0; hh < kvHeads; hh++)
                for (int d = 0; d < headDim; d++) {
                    int at = c.offset(1, hh, 2 + t) + d;
                    assertThat(at).isEqualTo(((kvHeads + hh) * capacity + 2 + t) * headDim + d);
                    assertThat(c.keys(1)[at]).isEqualTo(100f * t + hh * headDim + d);
                    assertThat(c.values(1)[at]).isEqualTo(-(100f * t + hh * headDim + d));
                }
        // one head's positions are contiguous; slot 0 and layer 0 are untouched
        assertThat(c.offset(1, 2, 3) - c.offset(1, 2, 2)).isEqualTo(headDim);
        for (int i = 0; i < capacity * kvDim; i++) assertThat(c.keys(1)[i]).isZero();
        for (float f : c.keys(0)) assertThat(f).isZero();
        assertThat(c.kvDim()).isEqualTo(kvDim);
        assertThat(c.length(1)).isZero();
    }

    @Test
    void q8WeightsGetABfloat16CacheThatRoundsToNearestEven() {
        assertThat(DecodeCache.forWeights(1, 1, 2, 1, 2, WeightFormat.F32).bf16()).isFalse();
        assertThat(DecodeCache.forWeights(1, 1, 2, 1, 2, WeightFormat.BF16).bf16()).isFalse();
        DecodeCache c = DecodeCache.forWeights(1, 1, 2, 1, 2, WeightFormat.Q8_0);
        assertThat(c.bf16()).isTrue();
        assertThat(c.elementBytes()).isEqualTo(2);
        // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: to even (1); 1 + 3·2^-9 rounds up to 1 + 2^-7
        float[] k = {1f + 0x1p-8f, 1f + 3 * 0x1p-9f}, v = {-2f, 0.5f};
        c.write(0, 0, 1, 1, k, v, 0, 2);
        short[] kc = c.keysBF16(0), vc = c.valuesBF16(0);
        assertThat(kc[2]).isEqualTo((short) 0x3F80);
        assertThat(kc[3]).isEqualTo((short) 0x3F81);
        assertThat(vc[2]).isEqualTo((short) 0xC000);
        assertThat(vc[3]).isEqualTo((short) 0x3F00);
        assertThatThrownBy(() -> c.keys(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("keysBF16");
    }

    @Test
    void refusesPositionsPastTheCapacity() {
        DecodeCache c = new DecodeCache(1, 1, 4, 2, 2);
        float[] row = new float[2 * 4];
        assertThatThrownBy(() -> c.write(0, 0, 3, 2, row, row, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positions [3, 5) outside [0, 4)");
        assertThatThrownBy(() -> new DecodeCache(1, 1, 4, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kvHeads=0");
    }
}

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
    void refusesPositionsPastTheCapacity() {
        DecodeCache c = new DecodeCache(1, 1, 4, 2, 2);
        float[] row = new float[2 * 4];
        assertThatThrownBy(() -> c.write(0, 0, 3, 2, row, row, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positions [3, 5) outside [0, 4)");
        assertThatThrownBy(() -> new DecodeCache(1, 1, 4, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kvHeads=0");
    }
}

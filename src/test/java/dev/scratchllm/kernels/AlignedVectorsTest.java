package dev.scratchllm.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AlignedVectors}: the copies hold the input vectors at {@code OFFSET + i·stride(cols)},
 * each stride a whole number of 64-byte lines, and the buffer is reused once it is large enough.
 * (Whether the copies really start on a cache line Java cannot see: {@link AlignedBuffersTest}
 * checks the pad, the decode benchmarks the speed.)
 */
class AlignedVectorsTest {

    @Test
    void strideIsTheLengthRoundedUpToWholeLines() {
        assertThat(AlignedVectors.stride(0)).isZero();
        assertThat(AlignedVectors.stride(1)).isEqualTo(16);
        assertThat(AlignedVectors.stride(16)).isEqualTo(16);
        assertThat(AlignedVectors.stride(17)).isEqualTo(32);
        assertThat(AlignedVectors.stride(768)).isEqualTo(768);
        assertThat(AlignedVectors.stride(1000)).isEqualTo(1008);
        assertThat(AlignedVectors.OFFSET).isEqualTo(AlignedBuffers.PAD);
    }

    @Test
    void loadCopiesEveryVectorToItsAlignedSlot() {
        AlignedVectors av = new AlignedVectors();
        for (int cols : new int[] {1, 15, 16, 17, 33, 768}) {
            for (int m = 0; m <= 5; m++) {
                int inOff = 3, ldIn = cols + 7;
                float[] in = new float[inOff + Math.max(m, 1) * ldIn];
                for (int i = 0; i < in.length; i++) in[i] = i * 0.5f - 11;
                float[] buf = av.load(in, inOff, ldIn, m, cols);
                int ld = AlignedVectors.stride(cols);
                assertThat(buf.length).isGreaterThanOrEqualTo(AlignedVectors.OFFSET + m * ld);
                for (int i = 0; i < m; i++)
                    for (int c = 0; c < cols; c++)
                        assertThat(buf[AlignedVectors.OFFSET + i * ld + c]).as("cols %d, vector %d, element %d", cols, i, c)
                                .isEqualTo(in[inOff + i * ldIn + c]);
            }
        }
    }

    @Test
    void theBufferIsReusedUntilALargerShapeComes() {
        AlignedVectors av = new AlignedVectors();
        float[] in = new float[4 * 3072];
        float[] first = av.load(in, 0, 3072, 4, 3072);
        assertThat(av.load(in, 0, 768, 2, 768)).isSameAs(first);
        assertThat(av.load(in, 0, 3072, 4, 3072)).isSameAs(first);
        int more = first.length - AlignedVectors.OFFSET + 16;           // a shape past the buffer's end
        float[] big = new float[more];
        float[] grown = av.load(big, 0, more, 1, more);
        assertThat(grown).isNotSameAs(first);
        assertThat(grown.length).isGreaterThanOrEqualTo(AlignedVectors.OFFSET + AlignedVectors.stride(more));
    }

    @Test
    void negativeShapesAreRefused() {
        AlignedVectors av = new AlignedVectors();
        assertThatThrownBy(() -> av.load(new float[4], 0, 4, -1, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AlignedVectors.load");
        assertThatThrownBy(() -> av.load(new float[4], 0, 4, 1, -4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AlignedVectors.load");
    }
}

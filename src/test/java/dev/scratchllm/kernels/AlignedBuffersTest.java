package dev.scratchllm.kernels;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AlignedBuffers} under the test JVM's flags (the pom's {@code gc.flags}: G1 with 1 MB
 * regions): the pad must land on a 64-byte boundary for this JVM's float[] base offset, and the
 * buffers must be large enough to be humongous (region-aligned). Whether the element is really
 * aligned in memory Java cannot see; {@code SgemmAlignAB} measures the speed that it buys.
 */
class AlignedBuffersTest {

    @Test
    void padPutsTheFirstUsedElementOnACacheLine() throws Exception {
        var hs = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        boolean g1 = Boolean.parseBoolean(hs.getVMOption("UseG1GC").getValue());
        assertThat(g1).as("surefire runs with the pom's gc.flags (G1)").isTrue();
        long region = Long.parseLong(hs.getVMOption("G1HeapRegionSize").getValue());
        int base = Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);

        assertThat(AlignedBuffers.DESCRIPTION).contains("G1 region " + (region >> 20) + " MB");
        assertThat((base + AlignedBuffers.PAD * Float.BYTES) % AlignedBuffers.ALIGN_BYTES).isZero();
        assertThat(AlignedBuffers.PAD).isBetween(0, AlignedBuffers.ALIGN_BYTES / Float.BYTES - 1);
        // humongous: at least half a region
        assertThat((long) AlignedBuffers.MIN_FLOATS * Float.BYTES).isGreaterThanOrEqualTo(region / 2);
    }

    @Test
    void allocateLeavesRoomForThePadAndIsHumongousSized() {
        for (int n : new int[]{0, 1, 100, AlignedBuffers.MIN_FLOATS, AlignedBuffers.MIN_FLOATS + 1}) {
            float[] buf = AlignedBuffers.allocate(n);
            assertThat(buf.length).as("n = %d", n).isGreaterThanOrEqualTo(n + AlignedBuffers.PAD)
                    .isGreaterThanOrEqualTo(AlignedBuffers.MIN_FLOATS);
        }
        assertThatThrownBy(() -> AlignedBuffers.allocate(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AlignedBuffers.allocate");
    }
}

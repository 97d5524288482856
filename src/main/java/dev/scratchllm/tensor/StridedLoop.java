package dev.scratchllm.tensor;

/**
 * Walks the elements of up to three strided operands over a common shape, one innermost row at
 * a time: the body receives each operand's offset of the row's first element, the row length and
 * each operand's stride along the row. This is the general (non-contiguous, broadcasting) path of
 * the element-wise ops; contiguous cases go straight to the kernels.
 */
final class StridedLoop {
    /** Body over one innermost row. */
    @FunctionalInterface
    interface Row {
        void run(int o0, int o1, int o2, int len, int s0, int s1, int s2);
    }

    private StridedLoop() {
    }

    /**
     * Visits every innermost row of {@code shape}. {@code st1}/{@code st2} may be null (unused
     * operands), in which case their offsets stay 0.
     */
    static void run(int[] shape, int[] st0, int off0, int[] st1, int off1, int[] st2, int off2, Row body) {
        int rank = shape.length;
        if (Shape.numel(shape) == 0) return;
        if (rank == 0) {
            body.run(off0, off1, off2, 1, 0, 0, 0);
            return;
        }
        int last = rank - 1;
        int len = shape[last];
        int s0 = st0[last], s1 = st1 == null ? 0 : st1[last], s2 = st2 == null ? 0 : st2[last];
        int[] idx = new int[rank];
        int o0 = off0, o1 = off1, o2 = off2;
        while (true) {
            body.run(o0, o1, o2, len, s0, s1, s2);
            // advance the outer counter (dims 0..last-1)
            int d = last - 1;
            while (d >= 0) {
                idx[d]++;
                o0 += st0[d];
                if (st1 != null) o1 += st1[d];
                if (st2 != null) o2 += st2[d];
                if (idx[d] < shape[d]) break;
                o0 -= st0[d] * shape[d];
                if (st1 != null) o1 -= st1[d] * shape[d];
                if (st2 != null) o2 -= st2[d] * shape[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) return;
        }
    }
}

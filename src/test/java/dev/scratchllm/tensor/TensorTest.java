package dev.scratchllm.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TensorTest {
    static Tensor seq(int... shape) {
        int n = Shape.numel(shape);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return Tensor.of(d, shape);
    }

    @Test
    void creationFromNestedArraysPicksDtypeAndShape() {
        Tensor f = Tensor.fromArray(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(f.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f.shape()).containsExactly(2, 3);
        assertThat(f.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        Tensor l = Tensor.fromArray(new int[][][] {{{1}, {2}}});
        assertThat(l.dtype()).isEqualTo(DType.INT64);
        assertThat(l.shape()).containsExactly(1, 2, 1);
        assertThat(Tensor.fromArray(new boolean[] {true}).dtype()).isEqualTo(DType.BOOL);
        assertThatThrownBy(() -> Tensor.fromArray(new float[][] {{1, 2}, {3}})).hasMessageContaining("ragged");
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).hasMessageContaining("[2, 3] is invalid for input of size 5");
    }

    @Test
    void factories() {
        assertThat(Tensor.arange(5).toLongArray()).containsExactly(0, 1, 2, 3, 4);
        assertThat(Tensor.arange(2, 11, 3).toLongArray()).containsExactly(2, 5, 8);
        assertThat(Tensor.arange(0.0, 1.0, 0.25).toFloatArray()).containsExactly(0f, 0.25f, 0.5f, 0.75f);
        assertThat(Tensor.eye(3).toFloatArray()).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 1);
        assertThat(Tensor.full(2.5f, 2, 2).toFloatArray()).containsExactly(2.5f, 2.5f, 2.5f, 2.5f);
        assertThat(Tensor.ones(3, 3).triu(1).toFloatArray()).containsExactly(0, 1, 1, 0, 0, 1, 0, 0, 0);
        assertThat(Tensor.ones(3, 3).tril().toFloatArray()).containsExactly(1, 0, 0, 1, 1, 0, 1, 1, 1);
        assertThat(Tensor.ones(2, 3).onesLike().numel()).isEqualTo(6);
    }

    @Test
    void viewsShareStorage() {
        Tensor x = seq(2, 3, 4);
        Tensor v = x.view(6, 4);
        Tensor t = x.transpose(0, 2);
        Tensor s = x.narrow(2, 1, 2);
        assertThat(v.sharesStorageWith(x)).isTrue();
        assertThat(t.sharesStorageWith(x)).isTrue();
        assertThat(t.shape()).containsExactly(4, 3, 2);
        assertThat(t.isContiguous()).isFalse();
        assertThat(s.shape()).containsExactly(2, 3, 2);
        assertThat(s.toFloatArray()).containsExactly(1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22);
        try (var g = Tensor.noGrad()) {
            x.get(1).get(2).setFloat(-1f, 3);
        }
        assertThat(v.getFloat(5, 3)).isEqualTo(-1f);
        assertThat(t.getFloat(3, 2, 1)).isEqualTo(-1f);
        assertThat(x.get(-1, -1, -1).item()).isEqualTo(-1f);
        Tensor c = t.contiguous();
        assertThat(c.sharesStorageWith(x)).isFalse();
        assertThat(x.clone().sharesStorageWith(x)).isFalse();
        assertThat(x.detach().sharesStorageWith(x)).isTrue();
    }

    @Test
    void viewOfNonContiguousFollowsPyTorchStrideRules() {
        Tensor x = seq(2, 3, 4).permute(1, 0, 2); // (3, 2, 4): last dim still contiguous
        assertThat(x.view(3, 2, 2, 2).toFloatArray()).containsExactly(x.toFloatArray());
        assertThatThrownBy(() -> x.view(3, 8)).hasMessageContaining("view size is not compatible"); // dims 1 and 2 are not adjacent in memory
        Tensor t = seq(3, 4).t();
        assertThatThrownBy(() -> t.view(12)).hasMessageContaining("view size is not compatible").hasMessageContaining("reshape");
        assertThat(t.reshape(12).toFloatArray()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        assertThat(seq(2, 6).view(-1, 3).shape()).containsExactly(4, 3);
        assertThatThrownBy(() -> seq(2, 6).view(5, -1)).hasMessageContaining("invalid for input of size 12");
    }

    @Test
    void squeezeUnsqueezeFlattenPermuteSliceSelect() {
        Tensor x = seq(2, 1, 3);
        assertThat(x.squeeze().shape()).containsExactly(2, 3);
        assertThat(x.squeeze(0).shape()).containsExactly(2, 1, 3);
        assertThat(x.unsqueeze(-1).shape()).containsExactly(2, 1, 3, 1);
        assertThat(seq(2, 3, 4).flatten(1, 2).shape()).containsExactly(2, 12);
        assertThat(seq(2, 3, 4).flatten().shape()).containsExactly(24);
        assertThat(seq(2, 3, 4).permute(2, 0, 1).shape()).containsExactly(4, 2, 3);
        assertThat(seq(10).slice(0, 1, 8, 3).toFloatArray()).containsExactly(1, 4, 7);
        assertThat(seq(10).slice(0, -3, 100).toFloatArray()).containsExactly(7, 8, 9);
        assertThat(seq(3, 4).select(1, -1).toFloatArray()).containsExactly(3, 7, 11);
        assertThat(seq(3, 1).expand(3, 4).toFloatArray()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
        assertThatThrownBy(() -> seq(3, 4).select(0, 3)).hasMessageContaining("out of bounds for dimension 0 with size 3");
        assertThatThrownBy(() -> seq(3, 4).transpose(0, 2)).hasMessageContaining("dimension out of range");
        assertThatThrownBy(() -> seq(3, 4).narrow(1, 2, 3)).hasMessageContaining("exceeds dimension size");
    }

    @Test
    void broadcastingArithmetic() {
        Tensor a = seq(2, 3);
        Tensor b = Tensor.fromArray(new float[] {10, 20, 30});
        assertThat(a.add(b).toFloatArray()).containsExactly(10, 21, 32, 13, 24, 35);
        assertThat(a.mul(Tensor.fromArray(new float[][] {{2}, {3}})).toFloatArray()).containsExactly(0, 2, 4, 9, 12, 15);
        assertThat(b.sub(a).toFloatArray()).containsExactly(10, 19, 28, 7, 16, 25);
        assertThat(a.div(2f).toFloatArray()).containsExactly(0, 0.5f, 1, 1.5f, 2, 2.5f);
        assertThat(a.t().add(Tensor.fromArray(new float[][] {{1}, {2}, {3}})).toFloatArray()).containsExactly(1, 4, 3, 6, 5, 8);
        assertThat(Tensor.scalar(2f).pow(Tensor.fromArray(new float[] {1, 2, 3})).toFloatArray()).containsExactly(2, 4, 8);
        assertThatThrownBy(() -> seq(2, 3).add(seq(2, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
        assertThat(Tensor.arange(3).add(Tensor.arange(3)).toLongArray()).containsExactly(0, 2, 4);
        assertThat(Tensor.arange(3).mul(1.5f).dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void unaryValues() {
        Tensor x = Tensor.fromArray(new float[] {-1f, 0f, 2f});
        assertThat(x.relu().toFloatArray()).containsExactly(0, 0, 2);
        assertThat(x.exp().toFloatArray()[2]).isCloseTo((float) Math.exp(2), within(1e-6f));
        assertThat(x.tanh().toFloatArray()[0]).isCloseTo((float) Math.tanh(-1), within(1e-6f));
        assertThat(x.sigmoid().toFloatArray()[1]).isEqualTo(0.5f);
        assertThat(x.abs().toFloatArray()).containsExactly(1, 0, 2);
        // GELU (tanh form) at 1.0: 0.8412
        assertThat(Tensor.fromArray(new float[] {1f}).gelu().item()).isCloseTo(0.84119f, within(1e-5f));
    }

    @Test
    void comparisonsMasksAndWhere() {
        Tensor a = Tensor.fromArray(new float[] {1, 5, 3});
        assertThat(a.gt(2).toBooleanArray()).containsExactly(false, true, true);
        assertThat(a.eq(Tensor.fromArray(new float[] {1, 0, 3})).dtype()).isEqualTo(DType.BOOL);
        assertThat(Tensor.arange(4).eq(Tensor.fromArray(new long[] {0, 0, 2, 3})).sum().itemLong()).isEqualTo(3);
        Tensor mask = Tensor.ones(3, 3).triu(1).toBool();
        Tensor filled = Tensor.zeros(3, 3).maskedFill(mask, Float.NEGATIVE_INFINITY);
        assertThat(filled.getFloat(0, 2)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(filled.getFloat(2, 0)).isEqualTo(0f);
        assertThat(Tensor.where(a.gt(2), a, Tensor.scalar(0f)).toFloatArray()).containsExactly(0, 5, 3);
        assertThatThrownBy(() -> Tensor.zeros(3, 3).maskedFill(Tensor.ones(3, 3), 0f)).hasMessageContaining("torch.bool");
    }

    @Test
    void reductions() {
        Tensor x = seq(2, 3);
        assertThat(x.sum().item()).isEqualTo(15f);
        assertThat(x.sum(0).toFloatArray()).containsExactly(3, 5, 7);
        assertThat(x.sum(1, true).shape()).containsExactly(2, 1);
        assertThat(x.mean(1).toFloatArray()).containsExactly(1, 4);
        assertThat(x.var(1, true, false).toFloatArray()).containsExactly(1, 1);
        assertThat(x.var(1, false, false).toFloatArray()[0]).isCloseTo(2f / 3f, within(1e-7f));
        assertThat(x.max().item()).isEqualTo(5f);
        ValuesIndices m = Tensor.fromArray(new float[][] {{1, 9, 9}, {7, 2, 3}}).max(1, false);
        assertThat(m.values().toFloatArray()).containsExactly(9, 7);
        assertThat(m.indices().toLongArray()).containsExactly(1, 0);
        assertThat(Tensor.fromArray(new float[] {3, 1, 4, 1, 5}).argmax().itemLong()).isEqualTo(4);
        assertThat(Tensor.arange(6).reshape(2, 3).sum(1).toLongArray()).containsExactly(3, 12);
    }

    @Test
    void softmaxTopkCatStackEmbedding() {
        Tensor s = Tensor.fromArray(new float[][] {{1, 2, 3}, {0, 0, 0}}).softmax(-1);
        assertThat(s.sum(1).toFloatArray()).containsExactly(new float[] {1f, 1f}, within(1e-6f));
        assertThat(s.getFloat(1, 0)).isCloseTo(1f / 3, within(1e-7f));
        ValuesIndices top = Tensor.fromArray(new float[] {0.1f, 0.9f, 0.5f, 0.7f}).topk(3);
        assertThat(top.values().toFloatArray()).containsExactly(0.9f, 0.7f, 0.5f);
        assertThat(top.indices().toLongArray()).containsExactly(1, 3, 2);
        Tensor c = Tensor.cat(List.of(seq(2, 2), seq(2, 1)), 1);
        assertThat(c.toFloatArray()).containsExactly(0, 1, 0, 2, 3, 1);
        assertThat(Tensor.stack(List.of(seq(2), seq(2)), 1).shape()).containsExactly(2, 2);
        Tensor w = seq(4, 2);
        assertThat(Tensor.embedding(w, Tensor.fromArray(new long[] {3, 0})).toFloatArray()).containsExactly(6, 7, 0, 1);
        assertThatThrownBy(() -> Tensor.embedding(w, Tensor.fromArray(new long[] {4}))).hasMessageContaining("index 4 out of range");
        assertThatThrownBy(() -> Tensor.cat(List.of(seq(2, 2), seq(3, 1)), 1)).hasMessageContaining("must match except in dimension 1");
    }

    @Test
    void matmulShapesAndValues() {
        Tensor a = seq(2, 3), b = seq(3, 2);
        assertThat(a.matmul(b).toFloatArray()).containsExactly(10, 13, 28, 40);
        assertThat(a.matmul(a.t()).toFloatArray()).containsExactly(5, 14, 14, 50);
        assertThat(seq(3).matmul(seq(3)).item()).isEqualTo(5f);
        assertThat(seq(2, 3).matmul(seq(3)).toFloatArray()).containsExactly(5, 14);
        assertThat(seq(2, 1, 2, 3).matmul(seq(4, 3, 5)).shape()).containsExactly(2, 4, 2, 5);
        assertThatThrownBy(() -> seq(2, 3).matmul(seq(2, 3))).hasMessageContaining("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3");
        // batched matmul equals a loop of 2-D products
        Tensor x = seq(3, 4, 5).div(10f), y = seq(3, 5, 2).div(7f);
        Tensor z = x.matmul(y);
        for (int i = 0; i < 3; i++) assertThat(z.get(i).toFloatArray()).containsExactly(x.get(i).matmul(y.get(i)).toFloatArray());
    }

    @Test
    void linearTakesTheStreamingPathForFewRowsAndAgreesWithMatmul() {
        java.util.Random r = new java.util.Random(3);
        for (int rows : new int[] {1, 2, MatMul.GEMV_MAX_ROWS, MatMul.GEMV_MAX_ROWS + 1, 9}) {
            float[] x = new float[rows * 37], w = new float[53 * 37], b = new float[53];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
            Tensor xt = Tensor.of(x, rows, 37), wt = Tensor.of(w, 53, 37), bt = Tensor.of(b, 53);
            Tensor viaLinear = Tensor.linear(xt, wt, bt);
            Tensor viaMatmul = xt.matmul(wt.t()).add(bt);
            assertThat(viaLinear.toFloatArray()).as("rows " + rows).containsExactly(viaMatmul.toFloatArray(), within(1e-5f));
        }
    }

    @Test
    void itemAndConversions() {
        assertThat(Tensor.scalar(3.5f).item()).isEqualTo(3.5f);
        assertThatThrownBy(() -> seq(2).item()).hasMessageContaining("2 elements cannot be converted to Scalar");
        assertThat(Tensor.fromArray(new float[] {1.7f, -2.2f}).toLong().toLongArray()).containsExactly(1, -2);
        assertThat(Tensor.arange(3).toFloat().dtype()).isEqualTo(DType.FLOAT32);
    }
}

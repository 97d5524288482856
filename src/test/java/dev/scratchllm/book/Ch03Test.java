package dev.scratchllm.book;

import dev.scratchllm.attention.CausalAttention;
import dev.scratchllm.attention.MultiHeadAttention;
import dev.scratchllm.attention.MultiHeadAttentionWrapper;
import dev.scratchllm.attention.SelfAttentionV1;
import dev.scratchllm.attention.SelfAttentionV2;
import dev.scratchllm.attention.SimplifiedAttention;
import dev.scratchllm.nn.Dropout;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.ones;
import static dev.scratchllm.ScratchLLM.rand;
import static dev.scratchllm.ScratchLLM.stack;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.assertj.core.api.Assertions.assertThat;

/** Chapter 3, "Coding attention mechanisms", in Java: the printed results of the book's code (ch03.ipynb). */
class Ch03Test {

    /** "Your journey starts with one step", embedded in 3 dimensions (section 3.3.1). */
    private static Tensor inputs() {
        return tensor(new float[][] {
                {0.43f, 0.15f, 0.89f}, // Your     (x^1)
                {0.55f, 0.87f, 0.66f}, // journey  (x^2)
                {0.57f, 0.85f, 0.64f}, // starts   (x^3)
                {0.22f, 0.58f, 0.33f}, // with     (x^4)
                {0.77f, 0.25f, 0.10f}, // one      (x^5)
                {0.05f, 0.80f, 0.55f}  // step     (x^6)
        });
    }

    /** Two copies of the inputs, the batch of section 3.5.3, shape (2, 6, 3). */
    private static Tensor batch() {
        return stack(List.of(inputs(), inputs()), 0);
    }

    // ------------------------------------------------------------------ 3.3 simplified self-attention

    @Test
    @DisplayName("3.3.1 Attention scores of the query x^(2) against every input (dot products)")
    void attentionScoresForOneQuery() {
        Tensor inputs = inputs();
        assertThat(SimplifiedAttention.exampleInputs().toString()).isEqualTo(inputs.toString());
        Tensor query = inputs.get(1); // 2nd input token is the query
        Tensor attnScores2 = SimplifiedAttention.attentionScores(inputs, query);
        assertThat(attnScores2.toString()).isEqualTo("tensor([0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865])");

        // a dot product is a sum of element-wise products
        float res = 0f;
        for (int i = 0; i < 3; i++) res += inputs.get(0).getFloat(i) * query.getFloat(i);
        assertThat(tensor(res).toString()).isEqualTo("tensor(0.9544)");
        assertThat(inputs.get(0).dot(query).toString()).isEqualTo("tensor(0.9544)");
    }

    @Test
    @DisplayName("3.3.1 Normalising the scores: by their sum, softmax_naive and torch.softmax; context vector z^(2)")
    void attentionWeightsAndContextVectorForOneQuery() {
        Tensor inputs = inputs();
        Tensor attnScores2 = SimplifiedAttention.attentionScores(inputs, inputs.get(1));

        Tensor tmp = SimplifiedAttention.normalizeBySum(attnScores2);
        assertThat("Attention weights: " + tmp).isEqualTo("Attention weights: tensor([0.1455, 0.2278, 0.2249, 0.1285, 0.1077, 0.1656])");
        // The book prints "Sum: tensor(1.0000)": PyTorch sums in float32 (6.5616999 for the
        // scores, 1.0000001 for the weights), ScratchLLM accumulates in double (6.5617003, the
        // exactly rounded sum) and gets exactly 1, printed "tensor(1.)". Same to 4 decimals.
        assertThat(String.format("Sum: tensor(%.4f)", tmp.sum().item())).isEqualTo("Sum: tensor(1.0000)");

        Tensor naive = SimplifiedAttention.softmaxNaive(attnScores2);
        assertThat("Attention weights: " + naive).isEqualTo("Attention weights: tensor([0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581])");
        assertThat("Sum: " + naive.sum()).isEqualTo("Sum: tensor(1.)");

        Tensor attnWeights2 = attnScores2.softmax(0);
        assertThat("Attention weights: " + attnWeights2).isEqualTo("Attention weights: tensor([0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581])");
        assertThat("Sum: " + attnWeights2.sum()).isEqualTo("Sum: tensor(1.)");

        Tensor contextVec2 = SimplifiedAttention.contextVector(inputs, attnWeights2);
        assertThat(contextVec2.toString()).isEqualTo("tensor([0.4419, 0.6515, 0.5683])");
    }

    @Test
    @DisplayName("3.3.2 Attention scores, weights and context vectors for all inputs")
    void allContextVectors() {
        Tensor inputs = inputs();
        String scores = """
                tensor([[0.9995, 0.9544, 0.9422, 0.4753, 0.4576, 0.6310],
                        [0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865],
                        [0.9422, 1.4754, 1.4570, 0.8296, 0.7154, 1.0605],
                        [0.4753, 0.8434, 0.8296, 0.4937, 0.3474, 0.6565],
                        [0.4576, 0.7070, 0.7154, 0.3474, 0.6654, 0.2935],
                        [0.6310, 1.0865, 1.0605, 0.6565, 0.2935, 0.9450]])""";
        assertThat(SimplifiedAttention.attentionScoresLoop(inputs).toString()).isEqualTo(scores);
        Tensor attnScores = SimplifiedAttention.attentionScores(inputs); // inputs @ inputs.T
        assertThat(attnScores.toString()).isEqualTo(scores);

        Tensor attnWeights = SimplifiedAttention.attentionWeights(attnScores);
        assertThat(attnWeights.toString()).isEqualTo("""
                tensor([[0.2098, 0.2006, 0.1981, 0.1242, 0.1220, 0.1452],
                        [0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581],
                        [0.1390, 0.2369, 0.2326, 0.1242, 0.1108, 0.1565],
                        [0.1435, 0.2074, 0.2046, 0.1462, 0.1263, 0.1720],
                        [0.1526, 0.1958, 0.1975, 0.1367, 0.1879, 0.1295],
                        [0.1385, 0.2184, 0.2128, 0.1420, 0.0988, 0.1896]])""");
        assertThat("All row sums: " + attnWeights.sum(-1)).isEqualTo("All row sums: tensor([1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000])");

        Tensor allContextVecs = SimplifiedAttention.contextVectors(attnWeights, inputs);
        assertThat(allContextVecs.toString()).isEqualTo("""
                tensor([[0.4421, 0.5931, 0.5790],
                        [0.4419, 0.6515, 0.5683],
                        [0.4431, 0.6496, 0.5671],
                        [0.4304, 0.6298, 0.5510],
                        [0.4671, 0.5910, 0.5266],
                        [0.4177, 0.6503, 0.5645]])""");
        assertThat("Previous 2nd context vector: " + allContextVecs.get(1)).isEqualTo("Previous 2nd context vector: tensor([0.4419, 0.6515, 0.5683])");
    }

    // ------------------------------------------------------------------ 3.4 trainable weights

    @Test
    @DisplayName("3.4.1 Query, key and value projections step by step (seed 123): query_2, attn_score_22, weights, context_vec_2")
    void attentionWithTrainableWeightsStepByStep() {
        Tensor inputs = inputs();
        Tensor x2 = inputs.get(1); // second input element
        int dIn = inputs.size(1), dOut = 2;
        manualSeed(123);
        Tensor wQuery = rand(dIn, dOut), wKey = rand(dIn, dOut), wValue = rand(dIn, dOut);

        Tensor query2 = x2.matmul(wQuery);
        assertThat(query2.toString()).isEqualTo("tensor([0.4306, 1.4551])");

        Tensor keys = inputs.matmul(wKey), values = inputs.matmul(wValue);
        assertThat("keys.shape: " + shape(keys)).isEqualTo("keys.shape: torch.Size([6, 2])");
        assertThat("values.shape: " + shape(values)).isEqualTo("values.shape: torch.Size([6, 2])");

        Tensor attnScore22 = query2.dot(keys.get(1));
        assertThat(attnScore22.toString()).isEqualTo("tensor(1.8524)");

        Tensor attnScores2 = query2.matmul(keys.t()); // all attention scores for the given query
        assertThat(attnScores2.toString()).isEqualTo("tensor([1.2705, 1.8524, 1.8111, 1.0795, 0.5577, 1.5440])");

        int dK = keys.size(1);
        Tensor attnWeights2 = attnScores2.div((float) Math.sqrt(dK)).softmax(-1);
        assertThat(attnWeights2.toString()).isEqualTo("tensor([0.1500, 0.2264, 0.2199, 0.1311, 0.0906, 0.1820])");

        Tensor contextVec2 = attnWeights2.matmul(values);
        assertThat(contextVec2.toString()).isEqualTo("tensor([0.3061, 0.8210])");
    }

    @Test
    @DisplayName("Listing 3.1 SelfAttention_v1 (seed 123)")
    void selfAttentionV1() {
        manualSeed(123);
        SelfAttentionV1 saV1 = new SelfAttentionV1(3, 2);
        assertThat(saV1.stateDict().keySet()).containsExactly("W_query", "W_key", "W_value");
        assertThat(saV1.forward(inputs()).toString()).isEqualTo("""
                tensor([[0.2996, 0.8053],
                        [0.3061, 0.8210],
                        [0.3058, 0.8203],
                        [0.2948, 0.7939],
                        [0.2927, 0.7891],
                        [0.2990, 0.8040]], grad_fn=<MmBackward0>)""");
    }

    @Test
    @DisplayName("Listing 3.2 SelfAttention_v2 with nn.Linear (seed 789)")
    void selfAttentionV2() {
        manualSeed(789);
        SelfAttentionV2 saV2 = new SelfAttentionV2(3, 2);
        assertThat(saV2.stateDict().keySet()).containsExactly("W_query.weight", "W_key.weight", "W_value.weight");
        assertThat(saV2.forward(inputs()).toString()).isEqualTo("""
                tensor([[-0.0739,  0.0713],
                        [-0.0748,  0.0703],
                        [-0.0749,  0.0702],
                        [-0.0760,  0.0685],
                        [-0.0763,  0.0679],
                        [-0.0754,  0.0693]], grad_fn=<MmBackward0>)""");
    }

    @Test
    @DisplayName("Exercise 3.1: SelfAttention_v1 with SelfAttention_v2's weights (transposed) gives v2's output")
    void exercise31() {
        manualSeed(123);
        SelfAttentionV1 saV1 = new SelfAttentionV1(3, 2);
        manualSeed(123);
        SelfAttentionV2 saV2 = new SelfAttentionV2(3, 2);
        saV1.loadStateDict(Map.of(
                "W_query", saV2.wQuery().weight().t(),
                "W_key", saV2.wKey().weight().t(),
                "W_value", saV2.wValue().weight().t()));
        String expected = """
                tensor([[-0.5337, -0.1051],
                        [-0.5323, -0.1080],
                        [-0.5323, -0.1079],
                        [-0.5297, -0.1076],
                        [-0.5311, -0.1066],
                        [-0.5299, -0.1081]], grad_fn=<MmBackward0>)""";
        assertThat(saV1.forward(inputs()).toString()).isEqualTo(expected);
        assertThat(saV2.forward(inputs()).toString()).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ 3.5 causal attention

    /** Section 3.5.1 reuses SelfAttention_v2's query and key projections (seed 789). */
    private static Tensor[] v2ScoresAndKeys() {
        manualSeed(789);
        SelfAttentionV2 saV2 = new SelfAttentionV2(3, 2);
        Tensor queries = saV2.wQuery().forward(inputs());
        Tensor keys = saV2.wKey().forward(inputs());
        return new Tensor[] {queries.matmul(keys.t()), keys};
    }

    private static final String CAUSAL_WEIGHTS = """
            tensor([[1.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
                    [0.5517, 0.4483, 0.0000, 0.0000, 0.0000, 0.0000],
                    [0.3800, 0.3097, 0.3103, 0.0000, 0.0000, 0.0000],
                    [0.2758, 0.2460, 0.2462, 0.2319, 0.0000, 0.0000],
                    [0.2175, 0.1983, 0.1984, 0.1888, 0.1971, 0.0000],
                    [0.1935, 0.1663, 0.1666, 0.1542, 0.1666, 0.1529]],
                   grad_fn=<%s>)""";

    @Test
    @DisplayName("3.5.1 Causal mask applied after the softmax (tril), then renormalised")
    void causalMaskAfterSoftmax() {
        Tensor[] sk = v2ScoresAndKeys();
        Tensor attnScores = sk[0], keys = sk[1];
        Tensor attnWeights = attnScores.div((float) Math.sqrt(keys.size(-1))).softmax(-1);
        assertThat(attnWeights.toString()).isEqualTo("""
                tensor([[0.1921, 0.1646, 0.1652, 0.1550, 0.1721, 0.1510],
                        [0.2041, 0.1659, 0.1662, 0.1496, 0.1665, 0.1477],
                        [0.2036, 0.1659, 0.1662, 0.1498, 0.1664, 0.1480],
                        [0.1869, 0.1667, 0.1668, 0.1571, 0.1661, 0.1564],
                        [0.1830, 0.1669, 0.1670, 0.1588, 0.1658, 0.1585],
                        [0.1935, 0.1663, 0.1666, 0.1542, 0.1666, 0.1529]],
                       grad_fn=<SoftmaxBackward0>)""");

        int contextLength = attnScores.size(0);
        assertThat(SimplifiedAttention.causalMaskSimple(contextLength).toString()).isEqualTo("""
                tensor([[1., 0., 0., 0., 0., 0.],
                        [1., 1., 0., 0., 0., 0.],
                        [1., 1., 1., 0., 0., 0.],
                        [1., 1., 1., 1., 0., 0.],
                        [1., 1., 1., 1., 1., 0.],
                        [1., 1., 1., 1., 1., 1.]])""");

        Tensor maskedSimple = SimplifiedAttention.maskAfterSoftmax(attnWeights);
        assertThat(maskedSimple.toString()).isEqualTo("""
                tensor([[0.1921, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
                        [0.2041, 0.1659, 0.0000, 0.0000, 0.0000, 0.0000],
                        [0.2036, 0.1659, 0.1662, 0.0000, 0.0000, 0.0000],
                        [0.1869, 0.1667, 0.1668, 0.1571, 0.0000, 0.0000],
                        [0.1830, 0.1669, 0.1670, 0.1588, 0.1658, 0.0000],
                        [0.1935, 0.1663, 0.1666, 0.1542, 0.1666, 0.1529]],
                       grad_fn=<MulBackward0>)""");
        assertThat(SimplifiedAttention.renormalize(maskedSimple).toString()).isEqualTo(CAUSAL_WEIGHTS.formatted("DivBackward0"));
    }

    @Test
    @DisplayName("3.5.1 Causal mask applied before the softmax: masked_fill with -inf")
    void causalMaskBeforeSoftmax() {
        Tensor[] sk = v2ScoresAndKeys();
        Tensor attnScores = sk[0], keys = sk[1];
        Tensor masked = SimplifiedAttention.maskBeforeSoftmax(attnScores);
        assertThat(masked.toString()).isEqualTo("""
                tensor([[0.2899,   -inf,   -inf,   -inf,   -inf,   -inf],
                        [0.4656, 0.1723,   -inf,   -inf,   -inf,   -inf],
                        [0.4594, 0.1703, 0.1731,   -inf,   -inf,   -inf],
                        [0.2642, 0.1024, 0.1036, 0.0186,   -inf,   -inf],
                        [0.2183, 0.0874, 0.0882, 0.0177, 0.0786,   -inf],
                        [0.3408, 0.1270, 0.1290, 0.0198, 0.1290, 0.0078]],
                       grad_fn=<MaskedFillBackward0>)""");
        Tensor attnWeights = masked.div((float) Math.sqrt(keys.size(-1))).softmax(-1);
        assertThat(attnWeights.toString()).isEqualTo(CAUSAL_WEIGHTS.formatted("SoftmaxBackward0"));
    }

    @Test
    @DisplayName("3.5.2 Dropout with p = 0.5 (seed 123) on a 6×6 matrix of ones and on the causal attention weights")
    void dropout() {
        manualSeed(123);
        Dropout dropout = new Dropout(0.5); // dropout rate of 50%
        Tensor example = ones(6, 6);        // a matrix of ones
        assertThat(dropout.forward(example).toString()).isEqualTo("""
                tensor([[2., 2., 0., 2., 2., 0.],
                        [0., 0., 0., 2., 0., 2.],
                        [2., 2., 2., 2., 0., 2.],
                        [0., 2., 2., 0., 0., 2.],
                        [0., 2., 0., 2., 0., 2.],
                        [0., 2., 2., 2., 2., 0.]])""");

        Tensor[] sk = v2ScoresAndKeys();
        Tensor attnWeights = SimplifiedAttention.maskBeforeSoftmax(sk[0]).div((float) Math.sqrt(sk[1].size(-1))).softmax(-1);
        manualSeed(123);
        assertThat(dropout.forward(attnWeights).toString()).isEqualTo("""
                tensor([[2.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
                        [0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
                        [0.7599, 0.6194, 0.6206, 0.0000, 0.0000, 0.0000],
                        [0.0000, 0.4921, 0.4925, 0.0000, 0.0000, 0.0000],
                        [0.0000, 0.3966, 0.0000, 0.3775, 0.0000, 0.0000],
                        [0.0000, 0.3327, 0.3331, 0.3084, 0.3331, 0.0000]],
                       grad_fn=<MulBackward0>)""");
    }

    private static final String CAUSAL_CONTEXT = """
            [[-0.4519,  0.2216],
                     [-0.5874,  0.0058],
                     [-0.6300, -0.0632],
                     [-0.5675, -0.0843],
                     [-0.5526, -0.0981],
                     [-0.5299, -0.1081]]""";

    @Test
    @DisplayName("Listing 3.3 CausalAttention on a batch of two (seed 123, dropout 0)")
    void causalAttention() {
        Tensor batch = batch();
        assertThat(shape(batch)).isEqualTo("torch.Size([2, 6, 3])");
        manualSeed(123);
        int contextLength = batch.size(1);
        CausalAttention ca = new CausalAttention(3, 2, contextLength, 0.0);
        Tensor contextVecs = ca.forward(batch);
        assertThat(contextVecs.toString()).isEqualTo("tensor([" + CAUSAL_CONTEXT + ",\n\n        " + CAUSAL_CONTEXT + "], grad_fn=<UnsafeViewBackward0>)");
        assertThat("context_vecs.shape: " + shape(contextVecs)).isEqualTo("context_vecs.shape: torch.Size([2, 6, 2])");
        assertThat(ca.stateDict().keySet()).containsExactly("mask", "W_query.weight", "W_key.weight", "W_value.weight");
        assertThat(ca.mask().toString()).isEqualTo(SimplifiedAttention.causalMask(6).toString());
    }

    // ------------------------------------------------------------------ 3.6 multi-head attention

    @Test
    @DisplayName("Listing 3.4 MultiHeadAttentionWrapper with two heads (seed 123)")
    void multiHeadAttentionWrapper() {
        Tensor batch = batch();
        manualSeed(123);
        MultiHeadAttentionWrapper mha = new MultiHeadAttentionWrapper(3, 2, batch.size(1), 0.0, 2);
        Tensor contextVecs = mha.forward(batch);
        String one = """
                [[-0.4519,  0.2216,  0.4772,  0.1063],
                         [-0.5874,  0.0058,  0.5891,  0.3257],
                         [-0.6300, -0.0632,  0.6202,  0.3860],
                         [-0.5675, -0.0843,  0.5478,  0.3589],
                         [-0.5526, -0.0981,  0.5321,  0.3428],
                         [-0.5299, -0.1081,  0.5077,  0.3493]]""";
        assertThat(contextVecs.toString()).isEqualTo("tensor([" + one + ",\n\n        " + one + "], grad_fn=<CatBackward0>)");
        assertThat("context_vecs.shape: " + shape(contextVecs)).isEqualTo("context_vecs.shape: torch.Size([2, 6, 4])");
        assertThat(mha.stateDict().keySet()).containsExactly(
                "heads.0.mask", "heads.0.W_query.weight", "heads.0.W_key.weight", "heads.0.W_value.weight",
                "heads.1.mask", "heads.1.W_query.weight", "heads.1.W_key.weight", "heads.1.W_value.weight");
    }

    @Test
    @DisplayName("Exercise 3.2: MultiHeadAttentionWrapper with d_out = 1 per head returns 2-dimensional context vectors (seed 123)")
    void exercise32() {
        Tensor batch = batch();
        manualSeed(123);
        MultiHeadAttentionWrapper mha = new MultiHeadAttentionWrapper(3, 1, batch.size(1), 0.0, 2);
        Tensor contextVecs = mha.forward(batch);
        assertThat("context_vecs.shape: " + shape(contextVecs)).isEqualTo("context_vecs.shape: torch.Size([2, 6, 2])");
        // The solution notebook prints numbers (-9.1476e-02, ...) from an earlier version of the
        // chapter's classes; PyTorch 1.13 running the current CausalAttention prints these:
        String one = """
                [[-0.5740,  0.2216],
                         [-0.7320,  0.0155],
                         [-0.7774, -0.0546],
                         [-0.6979, -0.0817],
                         [-0.6538, -0.0957],
                         [-0.6424, -0.1065]]""";
        assertThat(contextVecs.toString()).isEqualTo("tensor([" + one + ",\n\n        " + one + "], grad_fn=<CatBackward0>)");
    }

    @Test
    @DisplayName("Listing 3.5 MultiHeadAttention with weight splits (seed 123)")
    void multiHeadAttention() {
        Tensor batch = batch();
        manualSeed(123);
        MultiHeadAttention mha = new MultiHeadAttention(3, 2, batch.size(1), 0.0, 2);
        Tensor contextVecs = mha.forward(batch);
        String one = """
                [[0.3190, 0.4858],
                         [0.2943, 0.3897],
                         [0.2856, 0.3593],
                         [0.2693, 0.3873],
                         [0.2639, 0.3928],
                         [0.2575, 0.4028]]""";
        assertThat(contextVecs.toString()).isEqualTo("tensor([" + one + ",\n\n        " + one + "], grad_fn=<ViewBackward0>)");
        assertThat("context_vecs.shape: " + shape(contextVecs)).isEqualTo("context_vecs.shape: torch.Size([2, 6, 2])");
        assertThat(mha.stateDict().keySet()).containsExactly(
                "mask", "W_query.weight", "W_key.weight", "W_value.weight", "out_proj.weight", "out_proj.bias");
    }

    @Test
    @DisplayName("3.6.2 Batched matrix multiplication over heads: a @ a.transpose(2, 3) equals per-head products")
    void batchedMatmulOverHeads() {
        // (b, num_heads, num_tokens, head_dim) = (1, 2, 3, 4)
        Tensor a = tensor(new float[][][][] {{
                {{0.2745f, 0.6584f, 0.2775f, 0.8573f}, {0.8993f, 0.0390f, 0.9268f, 0.7388f}, {0.7179f, 0.7058f, 0.9156f, 0.4340f}},
                {{0.0772f, 0.3565f, 0.1479f, 0.5331f}, {0.4066f, 0.2318f, 0.4545f, 0.9737f}, {0.4606f, 0.5159f, 0.4220f, 0.5786f}}}});
        String first = """
                [[1.3208, 1.1631, 1.2879],
                          [1.1631, 2.2150, 1.8424],
                          [1.2879, 1.8424, 2.0402]]""";
        String second = """
                [[0.4391, 0.7003, 0.5903],
                          [0.7003, 1.3737, 1.0620],
                          [0.5903, 1.0620, 0.9912]]""";
        assertThat(a.matmul(a.transpose(2, 3)).toString()).isEqualTo("tensor([[" + first + ",\n\n         " + second + "]])");

        Tensor firstHead = a.get(0, 0);
        assertThat("First head:\n " + firstHead.matmul(firstHead.t())).isEqualTo("""
                First head:
                 tensor([[1.3208, 1.1631, 1.2879],
                        [1.1631, 2.2150, 1.8424],
                        [1.2879, 1.8424, 2.0402]])""");
        Tensor secondHead = a.get(0, 1);
        assertThat("Second head:\n " + secondHead.matmul(secondHead.t())).isEqualTo("""
                Second head:
                 tensor([[0.4391, 0.7003, 0.5903],
                        [0.7003, 1.3737, 1.0620],
                        [0.5903, 1.0620, 0.9912]])""");
    }

    @Test
    @DisplayName("Exercise 3.3: a GPT-2-sized MultiHeadAttention (768 → 768, 12 heads, context 1024) has 2,360,064 parameters")
    void exercise33() {
        MultiHeadAttention mha = new MultiHeadAttention(768, 768, 1024, 0.0, 12);
        assertThat(mha.numTrainableParameters()).isEqualTo(2_360_064L);
        assertThat(mha.headDim()).isEqualTo(64);
    }

    /** PyTorch's {@code torch.Size([...])}. */
    private static String shape(Tensor t) {
        return "torch.Size(" + Arrays.toString(t.shape()) + ")";
    }
}

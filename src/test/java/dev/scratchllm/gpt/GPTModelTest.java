package dev.scratchllm.gpt;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static dev.scratchllm.ScratchLLM.randint;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GPTConfig, GPTModel, the dummy model and greedy generation: keys, counts, shapes and errors. */
class GPTModelTest {
    static final GPTConfig TINY = new GPTConfig(50, 8, 16, 4, 2, 0.0, false);

    @Test
    void stateDictKeysAreTheBooksPyTorchKeys() {
        GPTModel model = new GPTModel(TINY.withSize(16, 1, 4));
        assertThat(model.stateDict().keySet()).containsExactly(
                "tok_emb.weight", "pos_emb.weight",
                "trf_blocks.0.att.mask",
                "trf_blocks.0.att.W_query.weight", "trf_blocks.0.att.W_key.weight", "trf_blocks.0.att.W_value.weight",
                "trf_blocks.0.att.out_proj.weight", "trf_blocks.0.att.out_proj.bias",
                "trf_blocks.0.ff.layers.0.weight", "trf_blocks.0.ff.layers.0.bias",
                "trf_blocks.0.ff.layers.2.weight", "trf_blocks.0.ff.layers.2.bias",
                "trf_blocks.0.norm1.scale", "trf_blocks.0.norm1.shift", "trf_blocks.0.norm2.scale", "trf_blocks.0.norm2.shift",
                "final_norm.scale", "final_norm.shift", "out_head.weight");
        // the mask is a buffer: in the state dict, not among the parameters
        assertThat(model.namedParameters()).doesNotContainKey("trf_blocks.0.att.mask");
        assertThat(model.stateDict().get("trf_blocks.0.att.mask").toString()).isEqualTo(Tensor.ones(8, 8).triu(1).toString());

        GPTModel withBias = new GPTModel(TINY.withSize(16, 1, 4).withQkvBias(true));
        assertThat(withBias.stateDict()).containsKeys("trf_blocks.0.att.W_query.bias", "trf_blocks.0.att.W_key.bias", "trf_blocks.0.att.W_value.bias");
    }

    @Test
    void parameterCountFormulaMatchesBuiltModels() {
        for (GPTConfig cfg : List.of(TINY, TINY.withQkvBias(true), TINY.withSize(24, 3, 3), new GPTConfig(101, 13, 20, 5, 1, 0.1, true))) {
            GPTModel model = new GPTModel(cfg);
            assertThat(GPTModel.parameterCount(cfg)).as(cfg.toString()).isEqualTo(model.numParameters());
            assertThat(GPTModel.parameterCountWithWeightTying(cfg)).isEqualTo(model.numParameters() - model.outHead().numParameters());
        }
        assertThat(GPTModel.parameterCount(GPTConfig.GPT_CONFIG_124M)).isEqualTo(163_009_536L);
        assertThat(GPTModel.sizeInMB(163_009_536L)).isBetween(621.825, 621.835);
    }

    @Test
    void dummyModelHasOnlyEmbeddingsAndHead() {
        DummyGPTModel dummy = new DummyGPTModel(TINY);
        assertThat(dummy.stateDict().keySet()).containsExactly("tok_emb.weight", "pos_emb.weight", "out_head.weight");
        Tensor x = tensor(new float[] {1f, 2f});
        assertThat(new DummyTransformerBlock(TINY).forward(x)).isSameAs(x);
        assertThat(new DummyLayerNorm(16).forward(x)).isSameAs(x);
        assertThat(dummy.forward(randint(0, 50, 2, 5)).shape()).containsExactly(2, 5, 50);
    }

    @Test
    void forwardShapesAndShorterInputs() {
        manualSeed(1);
        GPTModel model = new GPTModel(TINY);
        assertThat(model.forward(randint(0, 50, 3, 8)).shape()).containsExactly(3, 8, 50);
        assertThat(model.forward(randint(0, 50, 1, 1)).shape()).containsExactly(1, 1, 50);
        // causality: the logits of a prefix do not depend on the tokens after it
        model.eval();
        Tensor ids = randint(0, 50, 1, 8);
        try (var g = noGrad()) {
            float[] full = model.forward(ids).get(0, 2).toFloatArray();
            float[] prefix = model.forward(ids.slice(1, 0, 3)).get(0, 2).toFloatArray();
            for (int i = 0; i < full.length; i++) assertThat(prefix[i]).isCloseTo(full[i], org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    void rejectsBadIds() {
        GPTModel model = new GPTModel(TINY);
        assertThatThrownBy(() -> model.forward(Tensor.zeros(2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int64").hasMessageContaining("torch.float32");
        assertThatThrownBy(() -> model.forward(tensor(new int[] {1, 2, 3})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(batch, num_tokens)");
        assertThatThrownBy(() -> model.forward(randint(0, 50, 1, 9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9 tokens").hasMessageContaining("context length is 8");
        assertThatThrownBy(() -> model.forward(tensor(new int[][] {{1, 50}})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
    }

    @Test
    void configValidationAndCopies() {
        assertThatThrownBy(() -> new GPTConfig(50, 8, 16, 3, 2, 0.0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divisible");
        assertThatThrownBy(() -> new GPTConfig(50, 8, 16, 4, 2, 1.5, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GPTConfig.getConfig(TINY, "gpt3")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gpt3");
        GPTConfig c256 = GPTConfig.GPT_CONFIG_124M.withContextLength(256);
        assertThat(c256.contextLength()).isEqualTo(256);
        assertThat(c256.withContextLength(1024)).isEqualTo(GPTConfig.GPT_CONFIG_124M);
        GPTConfig split = TINY.withDropRates(0.1, 0.2, 0.3);
        assertThat(split.withDropRate(0.0)).isEqualTo(TINY);
        assertThat(GPTConfig.GPT_CONFIG_1558M.embDim()).isEqualTo(1600);
    }

    @Test
    void generateTextSimpleIsGreedyAndCropsTheContext() {
        // a fake model whose logits favour (last id + 1) mod vocab, recording the inputs it sees
        List<int[]> seen = new ArrayList<>();
        Module counter = new Module() {
            @Override
            public Tensor forward(Tensor idx) {
                seen.add(idx.shape());
                int b = idx.size(0), n = idx.size(1), vocab = 7;
                float[] logits = new float[b * n * vocab];
                for (int i = 0; i < b; i++)
                    for (int t = 0; t < n; t++) logits[(i * n + t) * vocab + (int) ((idx.getLong(i, t) + 1) % vocab)] = 1f;
                return Tensor.of(logits, b, n, vocab);
            }
        };
        Tensor out = Generation.generateTextSimple(counter, tensor(new int[][] {{1, 2}, {5, 6}}), 4, 3);
        assertThat(out.toString()).isEqualTo("""
                tensor([[1, 2, 3, 4, 5, 6],
                        [5, 6, 0, 1, 2, 3]])""");
        assertThat(seen).extracting(s -> s[1]).containsExactly(2, 3, 3, 3); // cropped to context_size 3
        assertThat(Generation.generateTextSimple(counter, tensor(new int[][] {{1}}), 0, 3).toString()).isEqualTo("tensor([[1]])");
        assertThatThrownBy(() -> Generation.generateTextSimple(counter, Tensor.zeros(1, 2), 1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exampleDeepNeuralNetworkKeysAndShortcutRule() {
        var net = new ExampleDeepNeuralNetwork(new int[] {3, 3, 3, 3, 3, 1}, true);
        assertThat(net.namedParameters().keySet()).containsExactly(
                "layers.0.0.weight", "layers.0.0.bias", "layers.1.0.weight", "layers.1.0.bias", "layers.2.0.weight", "layers.2.0.bias",
                "layers.3.0.weight", "layers.3.0.bias", "layers.4.0.weight", "layers.4.0.bias");
        assertThat(net.forward(Tensor.zeros(1, 3)).shape()).containsExactly(1, 1); // the last layer has no shortcut (shapes differ)
        Map<String, Float> means = ExampleDeepNeuralNetwork.gradientMeans(net, tensor(new float[][] {{1f, 0f, -1f}}));
        assertThat(means).hasSize(5);
        assertThatThrownBy(() -> new ExampleDeepNeuralNetwork(new int[] {3, 3}, false)).isInstanceOf(IllegalArgumentException.class);
    }
}

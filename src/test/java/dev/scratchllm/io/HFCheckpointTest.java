package dev.scratchllm.io;

import dev.scratchllm.LlamaQwenFixtures;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Model;
import dev.scratchllm.llama.Llama3Weights;
import dev.scratchllm.qwen.Qwen3Model;
import dev.scratchllm.qwen.Qwen3Weights;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.scratchllm.LlamaQwenFixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hugging Face-layout BF16 checkpoints (tiny random Llama 3, Qwen3 and Qwen3-MoE models that the
 * fixture script writes in the exact layout) loaded into our models, with the reference's logits;
 * and malformed checkpoints rejected with errors that name the file and the tensor.
 */
class HFCheckpointTest {
    private static final Map<String, Tensor> LOGITS = LlamaQwenFixtures.read("hf_logits.safetensors").tensors();

    private static Tensor logits(dev.scratchllm.nn.Module m, String name) {
        try (var g = Tensor.noGrad()) {
            return ((dev.scratchllm.attention.CachedDecoder) m).forward(LOGITS.get(name + ".input_ids"));
        }
    }

    @Test
    @DisplayName("Sharded BF16 Llama (index + 2 shards, lm_head present): config from config.json, logits equal PyTorch's")
    void llamaSharded() throws IOException {
        Path dir = LlamaQwenFixtures.path("hf_llama_tiny");
        try (HFCheckpoint ckpt = HFCheckpoint.open(dir)) {
            assertThat(ckpt.names()).hasSize(2 + 2 * 9 + 1);
            assertThat(ckpt.dtype("model.embed_tokens.weight")).isEqualTo("BF16");
            assertThat(ckpt.fileOf("model.norm.weight").getFileName().toString()).startsWith("model-0000");
        }
        Llama3Model model = Llama3Weights.load(dir, 0);
        Llama3Config cfg = model.config();
        assertThat(cfg).isEqualTo(new Llama3Config(64, 32, 32, 4, 2, 48, 2, 500_000.0, new dev.scratchllm.attention.RoPE.FreqConfig(8, 1, 4, 200)));
        assertThat(model.isTied()).isFalse();
        assertClose("llama logits", logits(model, "hf_llama_tiny"), LOGITS.get("hf_llama_tiny.logits"), 1e-5);
    }

    @Test
    @DisplayName("Single-file BF16 Qwen3 without lm_head: tied head, logits equal PyTorch's")
    void qwenTied() throws IOException {
        Qwen3Model model = Qwen3Weights.load(LlamaQwenFixtures.path("hf_qwen_tiny"), 0);
        assertThat(model.isTied()).isTrue();
        assertThat(model.config().resolvedHeadDim()).isEqualTo(12);
        assertClose("qwen logits", logits(model, "hf_qwen_tiny"), LOGITS.get("hf_qwen_tiny.logits"), 1e-5);
    }

    @Test
    @DisplayName("BF16 Qwen3-MoE (mlp.gate, mlp.experts.E.*): logits equal PyTorch's")
    void qwenMoe() throws IOException {
        Qwen3Model model = Qwen3Weights.load(LlamaQwenFixtures.path("hf_qwen_moe_tiny"), 0);
        assertThat(model.config().numExperts()).isEqualTo(4);
        assertClose("moe logits", logits(model, "hf_qwen_moe_tiny"), LOGITS.get("hf_qwen_moe_tiny.logits"), 1e-5);
    }

    @Test
    @DisplayName("Name table: the reference loaders' Hugging Face names")
    void names() {
        assertThat(HFWeights.llamaQwenName("trf_blocks.3.att.W_key.weight")).isEqualTo("model.layers.3.self_attn.k_proj.weight");
        assertThat(HFWeights.llamaQwenName("trf_blocks.0.ff.fc2.5.weight")).isEqualTo("model.layers.0.mlp.experts.5.up_proj.weight");
        assertThat(HFWeights.llamaQwenName("trf_blocks.1.norm2.scale")).isEqualTo("model.layers.1.post_attention_layernorm.weight");
        assertThat(HFWeights.llamaQwenName("final_norm.weight")).isEqualTo("model.norm.weight");
        assertThatThrownBy(() -> HFWeights.llamaQwenName("pos_emb.weight")).hasMessageContaining("pos_emb.weight");
    }

    @Test
    @DisplayName("Missing, unexpected and mis-shaped tensors are refused before anything is written, naming file and tensor")
    void badTensors(@TempDir Path tmp) throws IOException {
        Path dir = LlamaQwenFixtures.copy("hf_qwen_tiny", tmp);
        Path file = dir.resolve("model.safetensors");
        LlamaQwenFixtures.rewrite(file, t -> t.remove("model.layers.1.self_attn.k_norm.weight"));
        assertThatThrownBy(() -> Qwen3Weights.load(dir, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("missing tensor \"model.layers.1.self_attn.k_norm.weight\"").hasMessageContaining("trf_blocks.1.att.k_norm.scale");

        Path dir2 = LlamaQwenFixtures.copy("hf_qwen_tiny", tmp.resolve("b"));
        LlamaQwenFixtures.rewrite(dir2.resolve("model.safetensors"), t -> t.put("model.layers.0.mlp.extra.weight", Tensor.zeros(2)));
        assertThatThrownBy(() -> Qwen3Weights.load(dir2, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("unexpected tensor \"model.layers.0.mlp.extra.weight\"");

        Path dir3 = LlamaQwenFixtures.copy("hf_qwen_tiny", tmp.resolve("c"));
        LlamaQwenFixtures.rewrite(dir3.resolve("model.safetensors"), t -> t.put("model.layers.0.self_attn.q_proj.weight", Tensor.zeros(40, 32)));
        assertThatThrownBy(() -> Qwen3Weights.load(dir3, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("\"model.layers.0.self_attn.q_proj.weight\" has shape [40, 32], expected [48, 32]");

        // a model that was loaded is left alone when a later checkpoint does not fit
        Qwen3Model model = Qwen3Weights.load(LlamaQwenFixtures.path("hf_qwen_tiny"), 0);
        Tensor before = model.tokEmb().weight().clone();
        try (HFCheckpoint bad = HFCheckpoint.open(dir3)) {
            assertThatThrownBy(() -> Qwen3Weights.loadInto(model, bad)).isInstanceOf(IOException.class);
        }
        assertThat(model.tokEmb().weight().toFloatArray()).containsExactly(before.toFloatArray());
    }

    @Test
    @DisplayName("A sharded index that disagrees with its shards, or points outside the directory, is refused")
    void badIndex(@TempDir Path tmp) throws IOException {
        Path dir = LlamaQwenFixtures.copy("hf_llama_tiny", tmp.resolve("a"));
        Path index = dir.resolve(HFCheckpoint.INDEX);
        String json = Files.readString(index);
        Files.writeString(index, json.replace("\"lm_head.weight\": \"model-00001-of-00002.safetensors\"", "\"lm_head.weight\": \"model-00002-of-00002.safetensors\""));
        assertThatThrownBy(() -> HFCheckpoint.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("lm_head.weight");

        Path dir2 = LlamaQwenFixtures.copy("hf_llama_tiny", tmp.resolve("b"));
        Files.delete(dir2.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> HFCheckpoint.open(dir2)).isInstanceOf(IOException.class).hasMessageContaining("model-00002-of-00002.safetensors");

        Path dir3 = LlamaQwenFixtures.copy("hf_llama_tiny", tmp.resolve("c"));
        Path index3 = dir3.resolve(HFCheckpoint.INDEX);
        Files.writeString(index3, Files.readString(index3).replace("\"model.norm.weight\": \"", "\"model.norm.weight\": \"../"));
        assertThatThrownBy(() -> HFCheckpoint.open(dir3)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.norm.weight").hasMessageContaining("not a file in the model directory");

        Path dir4 = LlamaQwenFixtures.copy("hf_qwen_tiny", tmp.resolve("d"));
        Path cfg = dir4.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false"));
        assertThatThrownBy(() -> Qwen3Weights.load(dir4, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("missing tensor \"lm_head.weight\"");

        assertThatThrownBy(() -> HFCheckpoint.open(tmp)).isInstanceOf(IOException.class).hasMessageContaining("model.safetensors");
    }

    @Test
    @DisplayName("The published config.json fields of Llama-3.2-1B and Qwen3-0.6B translate into the reference's config dictionaries")
    void publishedConfigs() throws IOException {
        // the shape fields of meta-llama/Llama-3.2-1B's and Qwen/Qwen3-0.6B's config.json
        String llama = "{\"vocab_size\": 128256, \"hidden_size\": 2048, \"intermediate_size\": 8192, \"num_attention_heads\": 32,"
                + " \"num_hidden_layers\": 16, \"num_key_value_heads\": 8, \"head_dim\": 64, \"max_position_embeddings\": 131072,"
                + " \"rope_theta\": 500000.0, \"rope_scaling\": {\"factor\": 32.0, \"high_freq_factor\": 4.0, \"low_freq_factor\": 1.0,"
                + " \"original_max_position_embeddings\": 8192, \"rope_type\": \"llama3\"}, \"tie_word_embeddings\": true}";
        assertThat(Llama3Weights.config(Json.parseObject(llama, "llama"), "llama")).isEqualTo(Llama3Config.LLAMA32_CONFIG_1B);
        String qwen = "{\"vocab_size\": 151936, \"hidden_size\": 1024, \"intermediate_size\": 3072, \"num_attention_heads\": 16,"
                + " \"num_hidden_layers\": 28, \"num_key_value_heads\": 8, \"head_dim\": 128, \"max_position_embeddings\": 40960,"
                + " \"rope_theta\": 1000000, \"tie_word_embeddings\": true}";
        assertThat(Qwen3Weights.config(Json.parseObject(qwen, "qwen"), "qwen")).isEqualTo(dev.scratchllm.qwen.Qwen3Config.QWEN_CONFIG_06_B);
        assertThatThrownBy(() -> Llama3Weights.config(Json.parseObject(llama.replace("\"llama3\"", "\"yarn\""), "cfg.json"), "cfg.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("cfg.json").hasMessageContaining("rope_type");
        assertThatThrownBy(() -> Qwen3Weights.config(Json.parseObject(qwen.replace("\"hidden_size\": 1024,", ""), "cfg.json"), "cfg.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("\"hidden_size\"");
    }

    @Test
    @DisplayName("rms_norm_eps: the published values load, another epsilon is refused with the field named")
    void normEpsilon() throws IOException {
        String llama = "{\"vocab_size\": 128256, \"hidden_size\": 2048, \"intermediate_size\": 8192, \"num_attention_heads\": 32,"
                + " \"num_hidden_layers\": 16, \"num_key_value_heads\": 8, \"max_position_embeddings\": 131072,"
                + " \"rope_theta\": 500000.0, \"rms_norm_eps\": 1e-05}";
        String qwen = "{\"vocab_size\": 151936, \"hidden_size\": 1024, \"intermediate_size\": 3072, \"num_attention_heads\": 16,"
                + " \"num_hidden_layers\": 28, \"num_key_value_heads\": 8, \"head_dim\": 128, \"max_position_embeddings\": 40960,"
                + " \"rope_theta\": 1000000, \"rms_norm_eps\": 1e-06}";
        // Llama 3.2's and Qwen3's published epsilons are the ones the models use
        assertThat(Llama3Weights.config(Json.parseObject(llama, "llama"), "llama").embDim()).isEqualTo(2048);
        assertThat(Qwen3Weights.config(Json.parseObject(qwen, "qwen"), "qwen").embDim()).isEqualTo(1024);
        // swapped, each is refused: the model would run, slightly wrong
        assertThatThrownBy(() -> Llama3Weights.config(Json.parseObject(llama.replace("1e-05", "1e-06"), "cfg.json"), "cfg.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("cfg.json").hasMessageContaining("\"rms_norm_eps\" is 1.0E-6")
                .hasMessageContaining("Llama3Model normalizes with 1.0E-5");
        assertThatThrownBy(() -> Qwen3Weights.config(Json.parseObject(qwen.replace("1e-06", "1e-05"), "cfg.json"), "cfg.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("\"rms_norm_eps\" is 1.0E-5")
                .hasMessageContaining("Qwen3Model normalizes with 1.0E-6");
        assertThatThrownBy(() -> Qwen3Weights.config(Json.parseObject(qwen.replace("1e-06", "\"small\""), "cfg.json"), "cfg.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("\"rms_norm_eps\" is not a number");
    }
}

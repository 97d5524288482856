// Hugging Face's Qwen3 checkpoints (Qwen/Qwen3-0.6B, …, Qwen/Qwen3-30B-A3B) into Qwen3Model:
// the configuration from config.json and the weights from model.safetensors or its shards.
// It does: translate config.json (hidden_size, head_dim, the experts' fields) into a Qwen3Config,
// create the model and load every tensor through HFWeights (names and shapes checked, BF16 →
// float32, head tied when the checkpoint says so). It does not download, and it refuses MoE
// layouts other than "every layer sparse" (decoder_sparse_step 1, no mlp_only_layers).
package dev.scratchllm.qwen;

import dev.scratchllm.io.HFCheckpoint;
import dev.scratchllm.io.HFWeights;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads a Qwen3 model from a Hugging Face model directory, the reference's
 * {@code load_weights_into_qwen} for files on disk.
 *
 * <pre>{@code
 * Qwen3Model model = Qwen3Weights.load(Path.of("Qwen3-0.6B"), 4096); // context length for the RoPE tables
 * }</pre>
 */
public final class Qwen3Weights {
    private Qwen3Weights() {
    }

    /**
     * The configuration that a Hugging Face {@code config.json} describes (Qwen3 always has
     * QK-norm).
     *
     * @param hf the parsed config.json
     * @param source named in error messages
     * @return the configuration
     * @throws IOException if a field is missing or has another type
     */
    public static Qwen3Config config(Map<String, Object> hf, String source) throws IOException {
        int experts = hf.get("num_experts") instanceof Number n ? n.intValue() : 0;
        if (experts > 0) {
            if (hf.get("decoder_sparse_step") instanceof Number s && s.intValue() != 1)
                throw new IOException(source + ": field \"decoder_sparse_step\" is " + s + "; only 1 (every layer a mixture of experts) is supported");
            if (Boolean.FALSE.equals(hf.get("norm_topk_prob")))
                throw new IOException(source + ": field \"norm_topk_prob\" is false; MoEFeedForward normalises the top-k weights (softmax over the chosen scores)");
            if (hf.get("mlp_only_layers") instanceof List<?> l && !l.isEmpty())
                throw new IOException(source + ": field \"mlp_only_layers\" is not empty; only all-MoE models are supported");
        }
        HFCheckpoint.checkNormEps(hf, Qwen3Model.NORM_EPS, "Qwen3Model", source);
        int emb = integer(hf, "hidden_size", source), heads = integer(hf, "num_attention_heads", source);
        int headDim = hf.get("head_dim") == null ? 0 : integer(hf, "head_dim", source);
        try {
            return new Qwen3Config(integer(hf, "vocab_size", source), integer(hf, "max_position_embeddings", source), emb, heads,
                    integer(hf, "num_hidden_layers", source), experts > 0 ? 0 : integer(hf, "intermediate_size", source), headDim, true,
                    integer(hf, "num_key_value_heads", source), dbl(hf, "rope_theta", source), experts,
                    experts > 0 ? integer(hf, "num_experts_per_tok", source) : 0, experts > 0 ? integer(hf, "moe_intermediate_size", source) : 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private static int integer(Map<String, Object> m, String key, String source) throws IOException {
        if (!(m.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()))
            throw new IOException(source + ": field \"" + key + "\" is missing or not an integer");
        return n.intValue();
    }

    private static double dbl(Map<String, Object> m, String key, String source) throws IOException {
        if (!(m.get(key) instanceof Number n)) throw new IOException(source + ": field \"" + key + "\" is missing or not a number");
        return n.doubleValue();
    }

    /**
     * Creates the model that {@code dir}'s config.json describes and loads its weights.
     *
     * @param dir the model directory (config.json and model.safetensors or its index and shards)
     * @param contextLength the context length for the RoPE tables (0: the config's {@code max_position_embeddings})
     * @return the loaded model, in eval mode
     * @throws IOException if a file is missing or does not fit (the message names file and tensor)
     */
    public static Qwen3Model load(Path dir, int contextLength) throws IOException {
        try (HFCheckpoint ckpt = HFCheckpoint.open(dir)) {
            if (ckpt.config() == null) throw new IOException(dir + ": no config.json");
            Qwen3Config cfg = config(ckpt.config(), dir.resolve("config.json").toString());
            if (contextLength > 0) cfg = cfg.withContextLength(contextLength);
            Qwen3Model model = new Qwen3Model(cfg);
            loadInto(model, ckpt);
            model.eval();
            return model;
        }
    }

    /**
     * Loads an open checkpoint into an existing model of the same shape.
     *
     * @param model the model
     * @param ckpt the checkpoint
     * @throws IOException if the checkpoint does not fit the model
     */
    public static void loadInto(Qwen3Model model, HFCheckpoint ckpt) throws IOException {
        Qwen3Config cfg = model.config();
        HFWeights.loadLlamaQwen(model, ckpt, model::tieWeights, () -> {
            if (model.isTied()) model.outHead().setParameter("weight", Tensor.zeros(cfg.vocabSize(), cfg.embDim()));
        });
    }
}

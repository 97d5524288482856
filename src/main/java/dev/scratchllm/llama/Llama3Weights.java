// Hugging Face's Llama 3.2 checkpoints (meta-llama/Llama-3.2-1B, …) into Llama3Model: the
// configuration from config.json and the weights from model.safetensors or its shards.
// It does: translate config.json (hidden_size, rope_scaling, …) into a Llama3Config, create the
// model and load every tensor through HFWeights (names checked, shapes checked, BF16 → float32,
// head tied when the checkpoint says so). It does not download (the weights are the user's
// download, under Meta's licence) and does not read Meta's original consolidated.pth format.
package dev.scratchllm.llama;

import dev.scratchllm.attention.RoPE;
import dev.scratchllm.io.HFCheckpoint;
import dev.scratchllm.io.HFWeights;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a Llama 3 model from a Hugging Face model directory, the reference's
 * {@code load_weights_into_llama} for files on disk.
 *
 * <pre>{@code
 * Llama3Model model = Llama3Weights.load(Path.of("Llama-3.2-1B-Instruct"), 8192); // context length for the RoPE tables
 * }</pre>
 */
public final class Llama3Weights {
    private Llama3Weights() {
    }

    /**
     * The configuration that a Hugging Face {@code config.json} describes.
     *
     * @param hf the parsed config.json
     * @param source named in error messages
     * @return the configuration
     * @throws IOException if a field is missing or has another type, or the RoPE scaling is not Llama 3's
     */
    @SuppressWarnings("unchecked")
    public static Llama3Config config(Map<String, Object> hf, String source) throws IOException {
        RoPE.FreqConfig freq = null;
        Object rs = hf.get("rope_scaling");
        if (rs instanceof Map<?, ?> m) {
            Map<String, Object> r = (Map<String, Object>) m;
            Object type = r.getOrDefault("rope_type", r.get("type"));
            if (!"llama3".equals(type)) throw new IOException(source + ": field \"rope_scaling\": rope_type " + type + " is not supported (only llama3)");
            freq = new RoPE.FreqConfig(dbl(r, "factor", source), dbl(r, "low_freq_factor", source), dbl(r, "high_freq_factor", source),
                    integer(r, "original_max_position_embeddings", source));
        } else if (rs != null) throw new IOException(source + ": field \"rope_scaling\" is not an object");
        HFCheckpoint.checkNormEps(hf, Llama3Model.NORM_EPS, "Llama3Model", source);
        int emb = integer(hf, "hidden_size", source), heads = integer(hf, "num_attention_heads", source);
        if (hf.get("head_dim") instanceof Number hd && hd.intValue() != emb / heads)
            throw new IOException(source + ": field \"head_dim\" is " + hd + ", but Llama3Model's head size is hidden_size / num_attention_heads = " + emb / heads);
        try {
            return new Llama3Config(integer(hf, "vocab_size", source), integer(hf, "max_position_embeddings", source), emb, heads,
                    integer(hf, "num_hidden_layers", source), integer(hf, "intermediate_size", source),
                    integer(hf, "num_key_value_heads", source), dbl(hf, "rope_theta", source), freq);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    static int integer(Map<String, Object> m, String key, String source) throws IOException {
        if (!(m.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()))
            throw new IOException(source + ": field \"" + key + "\" is missing or not an integer");
        return n.intValue();
    }

    static double dbl(Map<String, Object> m, String key, String source) throws IOException {
        if (!(m.get(key) instanceof Number n)) throw new IOException(source + ": field \"" + key + "\" is missing or not a number");
        return n.doubleValue();
    }

    /**
     * Creates the model that {@code dir}'s config.json describes and loads its weights.
     *
     * @param dir the model directory (config.json and model.safetensors or its index and shards)
     * @param contextLength the context length for the RoPE tables (0: the config's
     *     {@code max_position_embeddings}, 131,072 for Llama 3.2, 64 MB of tables)
     * @return the loaded model, in eval mode
     * @throws IOException if a file is missing or does not fit (the message names file and tensor)
     */
    public static Llama3Model load(Path dir, int contextLength) throws IOException {
        try (HFCheckpoint ckpt = HFCheckpoint.open(dir)) {
            if (ckpt.config() == null) throw new IOException(dir + ": no config.json");
            Llama3Config cfg = config(ckpt.config(), dir.resolve("config.json").toString());
            if (contextLength > 0) cfg = cfg.withContextLength(contextLength);
            Llama3Model model = new Llama3Model(cfg);
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
    public static void loadInto(Llama3Model model, HFCheckpoint ckpt) throws IOException {
        Llama3Config cfg = model.config();
        HFWeights.loadLlamaQwen(model, ckpt, model::tieWeights, () -> {
            if (model.isTied()) model.outHead().setParameter("weight", Tensor.zeros(cfg.vocabSize(), cfg.embDim()));
        });
    }
}

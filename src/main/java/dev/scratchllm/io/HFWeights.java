// Copies a Hugging Face checkpoint's tensors into a model through a name table (ours → theirs).
// It does: check, before writing anything, that every parameter of the model has its tensor,
// with the same shape and a float dtype, and that the checkpoint holds no tensor the table does
// not name; then copy one tensor at a time. Errors name the file and the tensor.
// It does not: know any architecture (Llama3Weights and Qwen3Weights hold the tables), or tie
// weights (the callers decide from config.json and the presence of lm_head.weight).
package dev.scratchllm.io;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The architecture-independent half of loading Hugging Face weights into a module. */
public final class HFWeights {
    private HFWeights() {
    }

    private static final java.util.List<String[]> LAYER_NAMES = java.util.List.of(
            new String[] {"att.W_query.weight", "self_attn.q_proj.weight"},
            new String[] {"att.W_key.weight", "self_attn.k_proj.weight"},
            new String[] {"att.W_value.weight", "self_attn.v_proj.weight"},
            new String[] {"att.out_proj.weight", "self_attn.o_proj.weight"},
            new String[] {"att.q_norm.scale", "self_attn.q_norm.weight"},
            new String[] {"att.k_norm.scale", "self_attn.k_norm.weight"},
            new String[] {"norm1.weight", "input_layernorm.weight"},
            new String[] {"norm1.scale", "input_layernorm.weight"},
            new String[] {"norm2.weight", "post_attention_layernorm.weight"},
            new String[] {"norm2.scale", "post_attention_layernorm.weight"},
            new String[] {"ff.fc1.weight", "mlp.gate_proj.weight"},
            new String[] {"ff.fc2.weight", "mlp.up_proj.weight"},
            new String[] {"ff.fc3.weight", "mlp.down_proj.weight"},
            new String[] {"ff.gate.weight", "mlp.gate.weight"});
    private static final java.util.regex.Pattern LAYER = java.util.regex.Pattern.compile("trf_blocks\\.(\\d+)\\.(.+)");
    private static final java.util.regex.Pattern EXPERT = java.util.regex.Pattern.compile("ff\\.fc([123])\\.(\\d+)\\.weight");

    /**
     * The Hugging Face name of one of our Llama 3 / Qwen3 parameters: the table of the reference
     * loaders ({@code load_weights_into_llama}, {@code load_weights_into_qwen}), e.g.
     * {@code trf_blocks.3.att.W_query.weight → model.layers.3.self_attn.q_proj.weight},
     * {@code trf_blocks.3.ff.fc1.7.weight → model.layers.3.mlp.experts.7.gate_proj.weight},
     * {@code final_norm.scale → model.norm.weight}, {@code out_head.weight → lm_head.weight}.
     *
     * @param ours a state-dict key of {@code Llama3Model} or {@code Qwen3Model}
     * @return the tensor name in Hugging Face's checkpoints
     * @throws IllegalArgumentException if the key is not one of theirs
     */
    public static String llamaQwenName(String ours) {
        switch (ours) {
            case "tok_emb.weight": return "model.embed_tokens.weight";
            case "final_norm.weight", "final_norm.scale": return "model.norm.weight";
            case "out_head.weight": return "lm_head.weight";
            default: break;
        }
        java.util.regex.Matcher m = LAYER.matcher(ours);
        if (m.matches()) {
            String prefix = "model.layers." + m.group(1) + ".", rest = m.group(2);
            for (String[] pair : LAYER_NAMES) if (pair[0].equals(rest)) return prefix + pair[1];
            java.util.regex.Matcher x = EXPERT.matcher(rest);
            if (x.matches()) {
                String proj = switch (x.group(1)) { case "1" -> "gate_proj"; case "2" -> "up_proj"; default -> "down_proj"; };
                return prefix + "mlp.experts." + x.group(2) + "." + proj + ".weight";
            }
        }
        throw new IllegalArgumentException("HFWeights: no Hugging Face name for parameter '" + ours + "'");
    }

    /**
     * Whether a Llama/Qwen checkpoint ties its output head to the token embedding: config.json's
     * {@code tie_word_embeddings} when it says, otherwise whether {@code lm_head.weight} is absent
     * (the reference loaders' rule).
     *
     * @param ckpt the open checkpoint
     * @return true if the head is tied
     * @throws IOException if config.json says the head is untied but there is no {@code lm_head.weight}
     */
    public static boolean tiedEmbeddings(HFCheckpoint ckpt) throws IOException {
        Object t = ckpt.config() == null ? null : ckpt.config().get("tie_word_embeddings");
        boolean hasHead = ckpt.contains("lm_head.weight");
        if (t instanceof Boolean b) {
            if (!b && !hasHead)
                throw new IOException(ckpt.directory() + ": missing tensor \"lm_head.weight\" (config.json has tie_word_embeddings false)");
            return b;
        }
        return !hasHead;
    }

    /**
     * Loads a Llama 3 or Qwen3 checkpoint into a model with our state-dict names
     * ({@link #llamaQwenName}). The head is tied or untied first, as {@link #tiedEmbeddings} says;
     * a tied checkpoint's {@code lm_head.weight}, if present, and {@code rotary_emb.inv_freq} tables
     * are skipped.
     *
     * @param model the model
     * @param ckpt the open checkpoint
     * @param tie ties the model's head to its embedding
     * @param untie gives the model's head its own tensor again (when the model is tied and the checkpoint is not)
     * @throws IOException if the checkpoint does not fit the model (see {@link #load})
     */
    public static void loadLlamaQwen(Module model, HFCheckpoint ckpt, Runnable tie, Runnable untie) throws IOException {
        boolean tied = tiedEmbeddings(ckpt);
        if (tied) tie.run();
        else untie.run();
        Map<String, String> names = new java.util.LinkedHashMap<>();
        for (String k : model.namedParameters().keySet()) names.put(k, llamaQwenName(k));
        Set<String> ignored = new HashSet<>();
        if (tied) ignored.add("lm_head.weight");
        for (String n : ckpt.names()) if (n.endsWith(".rotary_emb.inv_freq")) ignored.add(n);
        load(model, ckpt, names, ignored);
    }

    /**
     * Loads {@code ckpt} into {@code model}. {@code names} maps each of the model's parameter
     * names (as {@link Module#namedParameters()} gives them; a tied parameter appears once) to the
     * checkpoint's tensor name. Tensors in {@code ignored} (such as the rotary tables some old
     * checkpoints carry) may be present and are skipped.
     *
     * @param model the model to fill
     * @param ckpt the open checkpoint
     * @param names our parameter name → Hugging Face tensor name, for every parameter
     * @param ignored checkpoint names that may be present and are not loaded
     * @throws IOException if a tensor is missing, unexpected, mis-shaped, not a float type, or unreadable;
     *     the message names the file and the tensor. Nothing is written unless every check passes.
     */
    public static void load(Module model, HFCheckpoint ckpt, Map<String, String> names, Set<String> ignored) throws IOException {
        Map<String, Tensor> params = model.namedParameters();
        Set<String> used = new HashSet<>();
        for (var e : params.entrySet()) {
            String hf = names.get(e.getKey());
            if (hf == null) throw new IllegalArgumentException("HFWeights: no checkpoint name for parameter '" + e.getKey() + "'");
            if (!ckpt.contains(hf))
                throw new IOException(ckpt.directory() + ": missing tensor \"" + hf + "\" (for " + e.getKey() + " " + Arrays.toString(e.getValue().shape()) + ")");
            int[] have = ckpt.shape(hf), want = e.getValue().shape();
            if (!Arrays.equals(have, want))
                throw new IOException(ckpt.fileOf(hf) + ": tensor \"" + hf + "\" has shape " + Arrays.toString(have) + ", expected "
                        + Arrays.toString(want) + " for " + e.getKey());
            String dt = ckpt.dtype(hf);
            if (!dt.equals("BF16") && !dt.equals("F16") && !dt.equals("F32"))
                throw new IOException(ckpt.fileOf(hf) + ": tensor \"" + hf + "\" has dtype " + dt + ", expected BF16, F16 or F32");
            used.add(hf);
        }
        for (String n : ckpt.names())
            if (!used.contains(n) && !ignored.contains(n))
                throw new IOException(ckpt.fileOf(n) + ": unexpected tensor \"" + n + "\" (no parameter of " + model.getClass().getSimpleName() + " takes it)");
        try (var g = GradMode.noGrad()) {
            for (var e : params.entrySet()) e.getValue().copy_(ckpt.read(names.get(e.getKey())));
        }
    }
}

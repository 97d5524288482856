// Loads OpenAI's pretrained GPT-2 weights, in Hugging Face's model.safetensors layout, into the
// book's GPTModel (chapter 5, section 5.5, and the book's bonus notebook
// ch05/02_alternative_weight_loading/weight-loading-hf-safetensors.ipynb).
// It does: map every Hugging Face tensor name to the book's state-dict key(s), split and
// transpose the Conv1D matrices, check every name, dtype and shape before it writes anything,
// tie the output head to the token embedding, infer the model size from the file, and write a
// model back out in the same layout (toHuggingFace).
// It does not: download files (GPT2Download does), read OpenAI's TensorFlow checkpoints, or
// read config.json (the head count of the four GPT-2 sizes follows from their head size, 64).
package dev.scratchllm.io;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pretrained weights in Hugging Face's {@code model.safetensors} layout, loaded into the
 * book's {@link GPTModel} — the book's {@code load_weights_into_gpt(gpt, params)} in its
 * safetensors form.
 *
 * <pre>{@code
 * GPTModel gpt = GPT2Weights.load(Path.of("model.safetensors"));   // size inferred, eval mode
 * GPTModel gpt = GPT2Weights.loadPretrained("gpt2");               // download (cached) + load
 * }</pre>
 *
 * <h2>The mapping</h2>
 *
 * Hugging Face's GPT-2 stores its linear layers as {@code Conv1D}, weight shape
 * {@code (in, out)}: the transpose of {@code nn.Linear}'s {@code (out, in)}. With {@code E} the
 * embedding size, {@code N} a block index, and names as in the file (a {@code transformer.}
 * prefix, which {@code GPT2LMHeadModel} files have, is accepted and ignored):
 *
 * <table>
 *   <caption>Hugging Face name → book key</caption>
 *   <tr><th>file</th><th>shape</th><th>book key</th><th>how</th></tr>
 *   <tr><td>{@code wte.weight}</td><td>(V, E)</td><td>{@code tok_emb.weight}, and {@code out_head.weight} (tied: the same tensor)</td><td>copy</td></tr>
 *   <tr><td>{@code wpe.weight}</td><td>(C, E)</td><td>{@code pos_emb.weight}</td><td>copy</td></tr>
 *   <tr><td>{@code h.N.ln_1.weight}, {@code .bias}</td><td>(E)</td><td>{@code trf_blocks.N.norm1.scale}, {@code .shift}</td><td>copy</td></tr>
 *   <tr><td>{@code h.N.attn.c_attn.weight}</td><td>(E, 3E)</td><td>{@code trf_blocks.N.att.W_query.weight}, {@code W_key}, {@code W_value}</td><td>split the columns in three, transpose each</td></tr>
 *   <tr><td>{@code h.N.attn.c_attn.bias}</td><td>(3E)</td><td>{@code trf_blocks.N.att.W_query.bias}, {@code W_key}, {@code W_value}</td><td>split in three</td></tr>
 *   <tr><td>{@code h.N.attn.c_proj.weight}</td><td>(E, E)</td><td>{@code trf_blocks.N.att.out_proj.weight}</td><td>transpose</td></tr>
 *   <tr><td>{@code h.N.attn.c_proj.bias}</td><td>(E)</td><td>{@code trf_blocks.N.att.out_proj.bias}</td><td>copy</td></tr>
 *   <tr><td>{@code h.N.ln_2.weight}, {@code .bias}</td><td>(E)</td><td>{@code trf_blocks.N.norm2.scale}, {@code .shift}</td><td>copy</td></tr>
 *   <tr><td>{@code h.N.mlp.c_fc.weight}</td><td>(E, 4E)</td><td>{@code trf_blocks.N.ff.layers.0.weight}</td><td>transpose</td></tr>
 *   <tr><td>{@code h.N.mlp.c_fc.bias}</td><td>(4E)</td><td>{@code trf_blocks.N.ff.layers.0.bias}</td><td>copy</td></tr>
 *   <tr><td>{@code h.N.mlp.c_proj.weight}</td><td>(4E, E)</td><td>{@code trf_blocks.N.ff.layers.2.weight}</td><td>transpose</td></tr>
 *   <tr><td>{@code h.N.mlp.c_proj.bias}</td><td>(E)</td><td>{@code trf_blocks.N.ff.layers.2.bias}</td><td>copy</td></tr>
 *   <tr><td>{@code ln_f.weight}, {@code .bias}</td><td>(E)</td><td>{@code final_norm.scale}, {@code .shift}</td><td>copy</td></tr>
 * </table>
 *
 * The attention-mask buffers {@code h.N.attn.bias} and {@code h.N.attn.masked_bias}, present in
 * some files, are ignored (our model builds its own {@code mask}). A {@code lm_head.weight}, if
 * present, must equal {@code wte.weight} (then the head is tied) or is loaded into an untied
 * head. Any other name is an error, as is a missing one.
 *
 * <h2>Weight tying</h2>
 *
 * GPT-2 uses the token embedding as the output layer. The book copies {@code wte} into
 * {@code out_head.weight}; here {@code out_head.weight} becomes the very same tensor as
 * {@code tok_emb.weight} ({@link dev.scratchllm.nn.Module#setParameter}), which saves
 * {@code V·E} floats, makes the two train as one, and makes {@link GPTModel#numParameters()}
 * count GPT-2's numbers: 124,439,808 for {@code gpt2} (that is the book's 124,412,160 plus the
 * 12 × 2,304 query/key/value biases that the pretrained weights bring). The state dict still
 * lists both keys (PyTorch does the same for tied weights), so a saved model loads in PyTorch.
 *
 * <h2>The configuration</h2>
 *
 * Like the book, the model has {@code qkv_bias = true} and {@code context_length = 1024}.
 * {@link #load(Path)} reads the size from the file: {@code vocab_size} and {@code emb_dim} from
 * {@code wte}, {@code context_length} from {@code wpe}, {@code n_layers} from the {@code h.N}
 * blocks, and {@code n_heads = emb_dim / 64} (GPT-2's head size in all four sizes). For another
 * head size, pass the configuration ({@link #load(Path, GPTConfig)}).
 *
 * <h2>Memory</h2>
 *
 * The file is read one tensor at a time ({@link Safetensors#open}) and each tensor is copied into
 * the model and dropped, so loading needs the model plus one tensor, not two models
 * (gpt2-xl: 6.2 GB, not 12.4 GB). The names, dtypes and shapes are all checked from the header
 * before the first tensor is read, so a file that does not fit leaves the model unchanged.
 */
public final class GPT2Weights {
    /** GPT-2's attention head size, the same in all four model sizes. */
    public static final int HEAD_SIZE = 64;
    /** The prefix of the names in files saved from {@code GPT2LMHeadModel}. */
    public static final String PREFIX = "transformer.";
    /** The untied output head's name in files saved from {@code GPT2LMHeadModel}. */
    public static final String LM_HEAD = "lm_head.weight";

    private static final Pattern BLOCK = Pattern.compile("h\\.(\\d+)\\..+");
    private static final Pattern IGNORED = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private GPT2Weights() {
    }

    /** How a tensor of the file becomes one or more of ours. */
    public enum Layout {
        /** Same shape, same values. */
        COPY,
        /** A Conv1D weight {@code (in, out)} becomes a Linear weight {@code (out, in)}. */
        TRANSPOSE,
        /** {@code c_attn.weight (E, 3E)}: columns {@code [0,E)}, {@code [E,2E)}, {@code [2E,3E)} transposed into query, key, value. */
        SPLIT_QKV_TRANSPOSE,
        /** {@code c_attn.bias (3E)}: the three thirds into the query, key and value biases. */
        SPLIT_QKV
    }

    /**
     * One row of the mapping.
     *
     * @param hfName  the name in Hugging Face's file, without the {@code transformer.} prefix
     * @param hfShape its shape in the file
     * @param ourKeys the book's state-dict key(s) it fills (three for the split ones)
     * @param layout  how
     */
    public record Mapping(String hfName, int[] hfShape, List<String> ourKeys, Layout layout) {
        /**
         * The number of elements.
         *
         * @return the product of {@code hfShape}
         */
        public long numel() {
            long n = 1;
            for (int d : hfShape) n *= d;
            return n;
        }

        @Override
        public String toString() {
            return hfName + " " + Shape.str(hfShape) + " -> " + ourKeys + " (" + layout + ")";
        }
    }

    // ------------------------------------------------------------------ the mapping

    /**
     * The mapping for a model of configuration {@code cfg}, in the order of Hugging Face's
     * {@code GPT2Model.state_dict()} (without the ignored mask buffers). {@code cfg} must have
     * the query/key/value bias.
     *
     * @param cfg the configuration; {@code qkvBias} must be true
     * @return an unmodifiable list of the mapping rows
     */
    public static List<Mapping> mapping(GPTConfig cfg) {
        requireQkvBias(cfg, "GPT2Weights.mapping");
        int v = cfg.vocabSize(), c = cfg.contextLength(), e = cfg.embDim();
        List<Mapping> m = new ArrayList<>();
        m.add(new Mapping("wte.weight", new int[] {v, e}, List.of("tok_emb.weight"), Layout.COPY));
        m.add(new Mapping("wpe.weight", new int[] {c, e}, List.of("pos_emb.weight"), Layout.COPY));
        for (int i = 0; i < cfg.nLayers(); i++) {
            String h = "h." + i + ".", b = "trf_blocks." + i + ".";
            m.add(new Mapping(h + "ln_1.weight", new int[] {e}, List.of(b + "norm1.scale"), Layout.COPY));
            m.add(new Mapping(h + "ln_1.bias", new int[] {e}, List.of(b + "norm1.shift"), Layout.COPY));
            m.add(new Mapping(h + "attn.c_attn.weight", new int[] {e, 3 * e},
                    List.of(b + "att.W_query.weight", b + "att.W_key.weight", b + "att.W_value.weight"), Layout.SPLIT_QKV_TRANSPOSE));
            m.add(new Mapping(h + "attn.c_attn.bias", new int[] {3 * e},
                    List.of(b + "att.W_query.bias", b + "att.W_key.bias", b + "att.W_value.bias"), Layout.SPLIT_QKV));
            m.add(new Mapping(h + "attn.c_proj.weight", new int[] {e, e}, List.of(b + "att.out_proj.weight"), Layout.TRANSPOSE));
            m.add(new Mapping(h + "attn.c_proj.bias", new int[] {e}, List.of(b + "att.out_proj.bias"), Layout.COPY));
            m.add(new Mapping(h + "ln_2.weight", new int[] {e}, List.of(b + "norm2.scale"), Layout.COPY));
            m.add(new Mapping(h + "ln_2.bias", new int[] {e}, List.of(b + "norm2.shift"), Layout.COPY));
            m.add(new Mapping(h + "mlp.c_fc.weight", new int[] {e, 4 * e}, List.of(b + "ff.layers.0.weight"), Layout.TRANSPOSE));
            m.add(new Mapping(h + "mlp.c_fc.bias", new int[] {4 * e}, List.of(b + "ff.layers.0.bias"), Layout.COPY));
            m.add(new Mapping(h + "mlp.c_proj.weight", new int[] {4 * e, e}, List.of(b + "ff.layers.2.weight"), Layout.TRANSPOSE));
            m.add(new Mapping(h + "mlp.c_proj.bias", new int[] {e}, List.of(b + "ff.layers.2.bias"), Layout.COPY));
        }
        m.add(new Mapping("ln_f.weight", new int[] {e}, List.of("final_norm.scale"), Layout.COPY));
        m.add(new Mapping("ln_f.bias", new int[] {e}, List.of("final_norm.shift"), Layout.COPY));
        return Collections.unmodifiableList(m);
    }

    /**
     * The shape each tensor of the file must have for {@code cfg}: Hugging Face name (no prefix) → shape.
     *
     * @param cfg the configuration; {@code qkvBias} must be true
     * @return a new map from Hugging Face name to shape, in file order
     */
    public static Map<String, int[]> expectedShapes(GPTConfig cfg) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Mapping m : mapping(cfg)) out.put(m.hfName(), m.hfShape().clone());
        return out;
    }

    // ------------------------------------------------------------------ configurations

    /**
     * The book's configuration for pretrained weights of {@code modelName}: the size from
     * {@link GPTConfig#getConfig} ({@code "gpt2"} or {@code "gpt2-small"}, {@code "gpt2-medium"},
     * {@code "gpt2-large"}, {@code "gpt2-xl"}; the book's {@code "gpt2-small (124M)"} spelling
     * too), with {@code context_length 1024} and {@code qkv_bias true}; dropout stays at the
     * book's 0.1 (the loaded model is in eval mode).
     *
     * @param modelName the model's name, as {@link GPT2Download#canonicalName} accepts it
     * @return the configuration
     */
    public static GPTConfig config(String modelName) {
        String name = GPT2Download.canonicalName(modelName);
        String bookName = name.equals("gpt2") ? "gpt2-small" : name;
        return GPTConfig.getConfig(GPTConfig.GPT_CONFIG_124M, bookName).withContextLength(1024).withQkvBias(true);
    }

    /**
     * The configuration a file's shapes imply (see the class comment). Reads only the header.
     *
     * @param file the safetensors file
     * @return the configuration, with {@code qkvBias} true
     * @throws IOException for an unreadable or malformed file
     * @throws IllegalArgumentException when the file lacks {@code wte.weight} or {@code wpe.weight},
     *     or its embedding size is not a multiple of {@value #HEAD_SIZE} (blocks are counted as
     *     {@code h.0}, {@code h.1}, ... while {@code h.N.ln_1.weight} exists; a gap or a stray block
     *     then fails the full check when loading)
     */
    public static GPTConfig inferConfig(Path file) throws IOException {
        try (Safetensors.Reader r = Safetensors.open(file)) {
            return inferConfig(r, names(r));
        }
    }

    private static GPTConfig inferConfig(Safetensors.Reader r, Map<String, String> names) {
        Path file = r.file();
        String wte = names.get("wte.weight"), wpe = names.get("wpe.weight");
        if (wte == null || wpe == null)
            throw new IllegalArgumentException(file + ": not a GPT-2 checkpoint in Hugging Face's layout: tensor "
                    + (wte == null ? "wte.weight" : "wpe.weight") + " is missing (found " + preview(names.values()) + ")");
        int[] te = r.shape(wte), pe = r.shape(wpe);
        if (te.length != 2 || pe.length != 2 || te[1] != pe[1])
            throw new IllegalArgumentException(file + ": tensor wte.weight has shape " + Shape.str(te) + " and wpe.weight "
                    + Shape.str(pe) + "; expected (vocab_size, emb_dim) and (context_length, emb_dim)");
        int layers = 0;
        while (names.containsKey("h." + layers + ".ln_1.weight")) layers++;
        int emb = te[1];
        if (emb % HEAD_SIZE != 0)
            throw new IllegalArgumentException(file + ": emb_dim " + emb + " (from wte.weight " + Shape.str(te)
                    + ") is not a multiple of GPT-2's head size " + HEAD_SIZE + ", so the number of heads is unknown;"
                    + " pass the configuration: GPT2Weights.load(file, cfg)");
        try {
            return GPTConfig.GPT_CONFIG_124M.withVocabSize(te[0]).withContextLength(pe[0]).withSize(emb, layers, emb / HEAD_SIZE).withQkvBias(true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": shapes wte.weight " + Shape.str(te) + " and wpe.weight " + Shape.str(pe) + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ loading

    /**
     * Builds a {@link GPTModel} of the size the file implies ({@link #inferConfig}), loads the
     * weights, ties the output head and returns the model in eval mode. Building the model draws
     * its (then overwritten) initial weights from the default generator, as the book's
     * {@code GPTModel(NEW_CONFIG)} does.
     *
     * @param file the safetensors file
     * @return the loaded model, in eval mode
     * @throws IOException for an unreadable or malformed file
     * @throws IllegalArgumentException when the file does not fit (see {@link #loadInto})
     */
    public static GPTModel load(Path file) throws IOException {
        return load(file, inferConfig(file));
    }

    /**
     * Builds a {@link GPTModel} with {@code cfg}, loads the file into it ({@link #loadInto}) and
     * returns it in eval mode. The file is checked against {@code cfg} before the model is built.
     *
     * @param file the safetensors file
     * @param cfg the configuration; {@code qkvBias} must be true
     * @return the loaded model, in eval mode
     * @throws IOException for an unreadable or malformed file
     * @throws IllegalArgumentException if {@code cfg} has no qkv bias or the file does not fit it
     */
    public static GPTModel load(Path file, GPTConfig cfg) throws IOException {
        requireQkvBias(cfg, "GPT2Weights.load(" + file + ")");
        try (Safetensors.Reader r = Safetensors.open(file)) {
            Map<String, String> names = names(r);
            String lmHead = names.remove(LM_HEAD);
            check(r, names, lmHead, cfg);
            GPTModel model;
            try {
                model = new GPTModel(cfg);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage() + " (context_length is the rows of wpe.weight; GPT-2's files have 1024)", e);
            }
            copyInto(model, r, names, lmHead);
            model.eval();
            return model;
        }
    }

    /**
     * Downloads (or finds) the weights of {@code modelName} with {@link GPT2Download#fetch(String)}
     * and loads them: the book's {@code download_and_load_gpt2} plus {@code load_weights_into_gpt}
     * in one call. Needs the network the first time, unless the file is already in place.
     *
     * @param modelName the model's name, as {@link GPT2Download#canonicalName} accepts it
     * @return the loaded model, in eval mode
     * @throws IOException when the download fails or the file cannot be read
     */
    public static GPTModel loadPretrained(String modelName) throws IOException {
        return load(GPT2Download.fetch(modelName), config(modelName));
    }

    /**
     * Loads a Hugging Face GPT-2 {@code model.safetensors} into {@code model} (in place; the
     * model's tensors stay the same objects, so an optimizer built earlier keeps working) and
     * ties {@code out_head.weight} to {@code tok_emb.weight}. The model's mode is not changed.
     *
     * <p>Everything is checked before anything is written: each expected tensor is present
     * (once: with or without the {@code transformer.} prefix), is a float tensor (F32, or F16/BF16
     * widened) and has the shape of the mapping for {@code model.config()}; no tensor is left
     * over except the ignored mask buffers.
     *
     * @param model the model to fill; its configuration must have the qkv bias
     * @param file the safetensors file
     * @throws IOException for an unreadable or malformed file
     * @throws IllegalArgumentException naming the file, the tensor, the expected and the actual
     *     shape, or listing missing and unexpected tensors; the model is then unchanged
     */
    public static void loadInto(GPTModel model, Path file) throws IOException {
        GPTConfig cfg = model.config();
        requireQkvBias(cfg, "GPT2Weights.loadInto(" + file + ")");
        try (Safetensors.Reader r = Safetensors.open(file)) {
            Map<String, String> names = names(r);
            String lmHead = names.remove(LM_HEAD);
            check(r, names, lmHead, cfg);
            copyInto(model, r, names, lmHead);
        }
    }

    /** Reads the checked file tensor by tensor into the model, then ties (or loads) the head. */
    private static void copyInto(GPTModel model, Safetensors.Reader r, Map<String, String> names, String lmHead) throws IOException {
        GPTConfig cfg = model.config();
        int e = cfg.embDim();
        Map<String, Tensor> ours = model.stateDict();
        try (var g = GradMode.noGrad()) {
            for (Mapping m : mapping(cfg)) {
                Tensor src = r.read(names.get(m.hfName()));
                List<String> keys = m.ourKeys();
                switch (m.layout()) {
                    case COPY -> ours.get(keys.get(0)).copy_(src);
                    case TRANSPOSE -> ours.get(keys.get(0)).copy_(src.t());
                    case SPLIT_QKV_TRANSPOSE -> {
                        for (int k = 0; k < 3; k++) ours.get(keys.get(k)).copy_(src.narrow(1, k * e, e).t());
                    }
                    case SPLIT_QKV -> {
                        for (int k = 0; k < 3; k++) ours.get(keys.get(k)).copy_(src.narrow(0, k * e, e));
                    }
                }
            }
            Tensor tokEmb = model.tokEmb().weight();
            Tensor head = lmHead == null ? null : r.read(lmHead);
            if (head == null || Arrays.equals(head.toFloatArray(), tokEmb.toFloatArray())) {
                model.outHead().setParameter("weight", tokEmb);
            } else {
                // an untied head: not GPT-2's own weights, but a fine-tuned model may have one
                if (model.outHead().weight() == tokEmb) model.outHead().setParameter("weight", tokEmb.clone().detach());
                model.outHead().weight().copy_(head);
            }
        }
    }

    /** File names by their name without the prefix (ignored buffers left out). */
    private static Map<String, String> names(Safetensors.Reader r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : r.names()) {
            String bare = n.startsWith(PREFIX) ? n.substring(PREFIX.length()) : n;
            if (IGNORED.matcher(bare).matches()) continue;
            String prev = out.put(bare, n);
            if (prev != null)
                throw new IllegalArgumentException(r.file() + ": tensor " + bare + " is there twice, as \"" + prev + "\" and \"" + n + "\"");
        }
        return out;
    }

    private static void check(Safetensors.Reader r, Map<String, String> names, String lmHead, GPTConfig cfg) {
        Path file = r.file();
        List<Mapping> mapping = mapping(cfg);
        List<String> errors = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>(BlockOrder.INSTANCE);
        TreeSet<String> unexpected = new TreeSet<>(BlockOrder.INSTANCE);
        unexpected.addAll(names.keySet());
        for (Mapping m : mapping) {
            String n = names.get(m.hfName());
            unexpected.remove(m.hfName());
            if (n == null) {
                missing.add(m.hfName());
                continue;
            }
            checkTensor(r, n, m.hfShape(), errors);
        }
        if (lmHead != null) checkTensor(r, lmHead, new int[] {cfg.vocabSize(), cfg.embDim()}, errors);
        if (missing.isEmpty() && unexpected.isEmpty() && errors.isEmpty()) return;
        StringBuilder sb = new StringBuilder(file + ": does not fit a GPTModel with vocab_size=" + cfg.vocabSize() + ", context_length="
                + cfg.contextLength() + ", emb_dim=" + cfg.embDim() + ", n_layers=" + cfg.nLayers() + " (GPT-2 weights in Hugging Face's layout expected):");
        if (!missing.isEmpty()) sb.append("\n\tmissing tensor(s): ").append(preview(missing));
        if (!unexpected.isEmpty()) sb.append("\n\tunexpected tensor(s): ").append(preview(unexpected));
        int shown = 0;
        for (String s : errors) {
            if (shown++ == 20) {
                sb.append("\n\t... and ").append(errors.size() - 20).append(" more");
                break;
            }
            sb.append("\n\t").append(s);
        }
        throw new IllegalArgumentException(sb.toString());
    }

    private static void checkTensor(Safetensors.Reader r, String name, int[] expected, List<String> errors) {
        String dt = r.dtype(name);
        if (!dt.equals("F32") && !dt.equals("F16") && !dt.equals("BF16"))
            errors.add("tensor " + name + " has dtype " + dt + ", expected a float type (F32, F16 or BF16)");
        int[] actual = r.shape(name);
        if (!Arrays.equals(actual, expected))
            errors.add("tensor " + name + " has shape " + Shape.str(actual) + ", expected " + Shape.str(expected));
    }

    private static String preview(java.util.Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        if (l.size() <= 12) return l.toString();
        return l.subList(0, 12) + " ... (" + l.size() + " in all)";
    }

    private static void requireQkvBias(GPTConfig cfg, String where) {
        if (!cfg.qkvBias())
            throw new IllegalArgumentException(where + ": GPT-2's weights have query/key/value biases (c_attn.bias);"
                    + " build the model with qkv_bias=true (cfg.withQkvBias(true)), as the book does");
    }

    /** Sorts names with block numbers numerically ({@code h.2} before {@code h.10}). */
    private enum BlockOrder implements java.util.Comparator<String> {
        INSTANCE;

        @Override
        public int compare(String a, String b) {
            Matcher ma = BLOCK.matcher(a), mb = BLOCK.matcher(b);
            if (ma.matches() && mb.matches() && ma.group(1).length() < 10 && mb.group(1).length() < 10) {
                int c = Integer.compare(Integer.parseInt(ma.group(1)), Integer.parseInt(mb.group(1)));
                if (c != 0) return c;
            }
            return a.compareTo(b);
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Our model's weights in Hugging Face's layout (the inverse of {@link #loadInto}): the names
     * of {@code GPT2Model} without prefix or mask buffers, Conv1D weights {@code (in, out)}, the
     * query/key/value matrices joined into {@code c_attn}. New contiguous tensors; write them with
     * {@link Safetensors#write} to get a {@code model.safetensors}. A head that is not tied to
     * (nor equal to) the token embedding is added as {@value #LM_HEAD}.
     *
     * @param model the model to convert
     * @return a new map from Hugging Face name to tensor
     * @throws IllegalArgumentException if the model has no query/key/value bias
     */
    public static Map<String, Tensor> toHuggingFace(GPTModel model) {
        GPTConfig cfg = model.config();
        requireQkvBias(cfg, "GPT2Weights.toHuggingFace");
        Map<String, Tensor> ours = model.stateDict();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Mapping m : mapping(cfg)) {
            List<Tensor> parts = new ArrayList<>();
            for (String k : m.ourKeys()) parts.add(ours.get(k));
            Tensor t = switch (m.layout()) {
                case COPY -> parts.get(0);
                case TRANSPOSE -> parts.get(0).t();
                case SPLIT_QKV_TRANSPOSE -> Tensor.cat(List.of(parts.get(0).t(), parts.get(1).t(), parts.get(2).t()), 1);
                case SPLIT_QKV -> Tensor.cat(parts, 0);
            };
            out.put(m.hfName(), t.contiguous().clone().detach());
        }
        Tensor head = model.outHead().weight(), tok = model.tokEmb().weight();
        if (head != tok && !Arrays.equals(head.toFloatArray(), tok.toFloatArray())) out.put(LM_HEAD, head.contiguous().clone().detach());
        return out;
    }
}

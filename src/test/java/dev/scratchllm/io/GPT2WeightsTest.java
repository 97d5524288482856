package dev.scratchllm.io;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GPT2Weights} against {@code gpt2_layout.safetensors}: a tiny GPT-2 (vocab 64, context 16,
 * emb 24, 3 layers, 4 heads, qkv bias) that {@code scripts/make_fixtures.py} built with the book's
 * PyTorch classes and wrote in Hugging Face's layout (the exact inverse of the book's
 * {@code load_weights_into_gpt}); {@code gpt2_layout_logits.safetensors} holds PyTorch's logits
 * and the book-keyed state dict. Logits: |ours − torch| ≤ 1e-5 + 1e-5·|torch| (measured: about
 * 1e-6). Also the errors, the prefix, weight tying, the size inference and the shape table of the
 * four real sizes (without their weights), and the download helper (without the network).
 */
class GPT2WeightsTest {
    static final double ATOL = 1e-5, RTOL = 1e-5;

    static Path layout() {
        return Fixtures.path("gpt2_layout.safetensors");
    }

    static GPTConfig layoutConfig() throws IOException {
        return Fixtures.config(Safetensors.open(layout()).metadata().get("config"), "gpt2_layout config");
    }

    static Map<String, Tensor> expected() throws IOException {
        return Safetensors.read(Fixtures.path("gpt2_layout_logits.safetensors"));
    }

    // ------------------------------------------------------------------ against PyTorch

    @Test
    @DisplayName("the Hugging Face layout loads into the book's keys and gives PyTorch's logits")
    void loadsLayoutAndMatchesPyTorch() throws IOException {
        GPTConfig cfg = layoutConfig();
        GPTModel model = GPT2Weights.load(layout(), cfg);
        assertThat(model.isTraining()).as("eval mode, as the book").isFalse();
        Map<String, Tensor> fx = expected();
        Map<String, Tensor> state = model.stateDict();
        for (var e : state.entrySet()) {
            if (e.getKey().endsWith(".att.mask")) continue;
            Tensor want = fx.get("book." + e.getKey());
            assertThat(want).as("book." + e.getKey()).isNotNull();
            assertThat(e.getValue().shape()).as(e.getKey()).containsExactly(want.shape());
            assertThat(e.getValue().toFloatArray()).as(e.getKey() + " (splits and transposes are exact)").containsExactly(want.toFloatArray());
        }
        double d1 = Fixtures.assertClose("logits", model.forward(fx.get("input_ids")), fx.get("logits"), ATOL, RTOL);
        double d2 = Fixtures.assertClose("short_logits", model.forward(fx.get("short_ids")), fx.get("short_logits"), ATOL, RTOL);
        System.out.println("gpt2_layout: max |logits diff| = " + Math.max(d1, d2));
    }

    @Test
    @DisplayName("weight tying: out_head.weight is tok_emb.weight, counted once")
    void weightTying() throws IOException {
        GPTConfig cfg = layoutConfig();
        GPTModel model = GPT2Weights.load(layout(), cfg);
        assertThat(model.outHead().weight()).isSameAs(model.tokEmb().weight());
        assertThat(model.namedParameters()).doesNotContainKey("out_head.weight");
        assertThat(model.stateDict()).containsKey("out_head.weight");   // as PyTorch lists tied weights
        assertThat(model.numParameters()).isEqualTo(GPTModel.parameterCountWithWeightTying(cfg));
        // they stay one tensor: changing one changes the other
        try (var g = Tensor.noGrad()) {
            model.tokEmb().weight().setFloat(42f, 3, 5);
        }
        assertThat(model.outHead().weight().getFloat(3, 5)).isEqualTo(42f);
    }

    @Test
    @DisplayName("loadInto: in place into an existing model, which keeps its tensors")
    void loadIntoKeepsTensors() throws IOException {
        GPTModel model = new GPTModel(layoutConfig());
        Tensor q = model.trfBlock(1).att().wQuery().weight();
        GPT2Weights.loadInto(model, layout());
        assertThat(model.trfBlock(1).att().wQuery().weight()).isSameAs(q);
        assertThat(q.toFloatArray()).containsExactly(expected().get("book.trf_blocks.1.att.W_query.weight").toFloatArray());
        assertThat(model.outHead().weight()).isSameAs(model.tokEmb().weight());
    }

    @Test
    @DisplayName("toHuggingFace is the inverse of the loader")
    void toHuggingFaceRoundTrip(@TempDir Path tmp) throws IOException {
        GPTModel model = GPT2Weights.load(layout(), layoutConfig());
        Map<String, Tensor> hf = GPT2Weights.toHuggingFace(model);
        Map<String, Tensor> file = Safetensors.read(layout());
        List<String> fileNames = new ArrayList<>();
        for (String n : file.keySet()) if (!n.endsWith(".attn.bias")) fileNames.add(n);
        assertThat(new ArrayList<>(hf.keySet())).as("Hugging Face's order").containsExactlyElementsOf(fileNames);
        for (var e : hf.entrySet())
            assertThat(e.getValue().toFloatArray()).as(e.getKey()).containsExactly(file.get(e.getKey()).toFloatArray());
        Path p = tmp.resolve("model.safetensors");
        Safetensors.write(p, hf);
        GPTModel again = GPT2Weights.load(p, layoutConfig());
        assertThat(again.forward(expected().get("input_ids")).toFloatArray()).containsExactly(model.forward(expected().get("input_ids")).toFloatArray());
    }

    // ------------------------------------------------------------------ names

    /** The fixture's tensors, renamed and edited by {@code edit}, written to {@code tmp}. */
    static Path variant(Path tmp, String name, java.util.function.Consumer<Map<String, Tensor>> edit) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.read(layout()));
        edit.accept(t);
        Path p = tmp.resolve(name);
        Safetensors.write(p, t);
        return p;
    }

    @Test
    @DisplayName("a transformer. prefix, an equal lm_head.weight and masked_bias buffers are accepted")
    void prefixAndExtrasOfGPT2LMHeadModel(@TempDir Path tmp) throws IOException {
        Path p = variant(tmp, "prefixed.safetensors", t -> {
            Map<String, Tensor> r = new LinkedHashMap<>();
            for (var e : t.entrySet()) r.put("transformer." + e.getKey(), e.getValue());
            r.put("transformer.h.0.attn.masked_bias", Tensor.scalar(-1e4f));
            r.put("lm_head.weight", t.get("wte.weight"));
            t.clear();
            t.putAll(r);
        });
        GPTModel model = GPT2Weights.load(p, layoutConfig());
        assertThat(model.outHead().weight()).isSameAs(model.tokEmb().weight());
        Fixtures.assertClose("logits", model.forward(expected().get("input_ids")), expected().get("logits"), ATOL, RTOL);
    }

    @Test
    @DisplayName("a different lm_head.weight gives an untied head")
    void untiedHead(@TempDir Path tmp) throws IOException {
        Tensor head = Tensor.full(0.5f, 64, 24);
        Path p = variant(tmp, "untied.safetensors", t -> t.put("lm_head.weight", head));
        GPTModel model = GPT2Weights.load(p, layoutConfig());
        assertThat(model.outHead().weight()).isNotSameAs(model.tokEmb().weight());
        assertThat(model.outHead().weight().toFloatArray()).containsOnly(0.5f);
        assertThat(model.tokEmb().weight().toFloatArray()).containsExactly(expected().get("book.tok_emb.weight").toFloatArray());
        assertThat(GPT2Weights.toHuggingFace(model)).containsKey("lm_head.weight");
    }

    @Test
    @DisplayName("the same tensor with and without the prefix is an error")
    void duplicateNames(@TempDir Path tmp) throws IOException {
        Path p = variant(tmp, "dup.safetensors", t -> t.put("transformer.wpe.weight", t.get("wpe.weight")));
        assertThatThrownBy(() -> GPT2Weights.load(p, layoutConfig())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dup.safetensors").hasMessageContaining("wpe.weight").hasMessageContaining("twice");
    }

    // ------------------------------------------------------------------ errors

    @Test
    @DisplayName("a wrong shape names the file, the tensor, the expected and the actual shape; the model is unchanged")
    void shapeMismatch(@TempDir Path tmp) throws IOException {
        Path p = variant(tmp, "bad-shape.safetensors", t -> t.put("h.2.attn.c_attn.weight", Tensor.zeros(72, 24)));
        GPTModel model = new GPTModel(layoutConfig());
        float[] before = model.tokEmb().weight().toFloatArray();
        assertThatThrownBy(() -> GPT2Weights.loadInto(model, p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad-shape.safetensors").hasMessageContaining("h.2.attn.c_attn.weight")
                .hasMessageContaining("tensor h.2.attn.c_attn.weight has shape [72, 24], expected [24, 72]");
        assertThat(model.tokEmb().weight().toFloatArray()).as("nothing written").containsExactly(before);
        assertThat(model.outHead().weight()).as("not tied either").isNotSameAs(model.tokEmb().weight());
    }

    @Test
    @DisplayName("missing and unexpected tensors are listed")
    void missingAndUnexpected(@TempDir Path tmp) throws IOException {
        Path p = variant(tmp, "holes.safetensors", t -> {
            t.remove("h.1.mlp.c_fc.bias");
            t.remove("ln_f.weight");
            t.put("h.0.attn.rotary", Tensor.zeros(2));
        });
        assertThatThrownBy(() -> GPT2Weights.load(p, layoutConfig())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holes.safetensors")
                .hasMessageContaining("missing tensor(s): [h.1.mlp.c_fc.bias, ln_f.weight]")
                .hasMessageContaining("unexpected tensor(s): [h.0.attn.rotary]");
    }

    @Test
    @DisplayName("a file for another size does not load: more layers, another emb_dim")
    void wrongSize(@TempDir Path tmp) throws IOException {
        GPTConfig cfg = layoutConfig();
        assertThatThrownBy(() -> GPT2Weights.load(layout(), cfg.withSize(24, 2, 4)))
                .hasMessageContaining("unexpected tensor(s): [h.2.attn.c_attn.bias");
        assertThatThrownBy(() -> GPT2Weights.load(layout(), cfg.withSize(32, 3, 4)))
                .hasMessageContaining("tensor wte.weight has shape [64, 24], expected [64, 32]");
    }

    @Test
    @DisplayName("non-float tensors and a model without qkv bias are refused")
    void dtypeAndQkvBias(@TempDir Path tmp) throws IOException {
        Path p = variant(tmp, "ints.safetensors", t -> t.put("ln_f.bias", Tensor.zerosLong(24)));
        assertThatThrownBy(() -> GPT2Weights.load(p, layoutConfig())).hasMessageContaining("tensor ln_f.bias has dtype I64");
        assertThatThrownBy(() -> GPT2Weights.load(layout(), layoutConfig().withQkvBias(false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qkv_bias=true");
        assertThatThrownBy(() -> GPT2Weights.loadInto(new GPTModel(layoutConfig().withQkvBias(false)), layout()))
                .hasMessageContaining("qkv_bias=true");
    }

    @Test
    @DisplayName("inferring the size needs head size 64: the tiny file (emb 24) asks for a config")
    void inferConfigNeedsHeadSize64(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> GPT2Weights.load(layout())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpt2_layout.safetensors").hasMessageContaining("emb_dim 24").hasMessageContaining("GPT2Weights.load(file, cfg)");
        Path p = variant(tmp, "no-wte.safetensors", t -> t.remove("wte.weight"));
        assertThatThrownBy(() -> GPT2Weights.inferConfig(p)).hasMessageContaining("wte.weight is missing");
    }

    // ------------------------------------------------------------------ the four real sizes, without weights

    /** A safetensors file with {@code shapes} in its header and a sparse (all-zero, unallocated) data section. */
    static Path headerOnly(Path file, Map<String, int[]> shapes) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long at = 0;
        for (var e : shapes.entrySet()) {
            long n = 4;
            List<Object> shape = new ArrayList<>();
            for (int d : e.getValue()) {
                shape.add((long) d);
                n *= d;
            }
            header.put(e.getKey(), Map.of("dtype", "F32", "shape", shape, "data_offsets", List.of(at, at + n)));
            at += n;
        }
        byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.setLength(8 + h.length + at);
        }
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "gpt2,        768, 12, 12, 124439808",
            "gpt2-medium, 1024, 24, 16, 354823168",
            "gpt2-large,  1280, 36, 20, 774030080",
            "gpt2-xl,     1600, 48, 25, 1557611200"})
    @DisplayName("the shape table and the inferred config of each GPT-2 size agree with the GPTConfig presets")
    void shapeTableOfEachSize(String name, int emb, int layers, int heads, long hfParams, @TempDir Path tmp) throws IOException {
        GPTConfig cfg = GPT2Weights.config(name);
        GPTConfig preset = switch (name) {
            case "gpt2" -> GPTConfig.GPT_CONFIG_124M;
            case "gpt2-medium" -> GPTConfig.GPT_CONFIG_355M;
            case "gpt2-large" -> GPTConfig.GPT_CONFIG_774M;
            default -> GPTConfig.GPT_CONFIG_1558M;
        };
        assertThat(cfg).isEqualTo(preset.withQkvBias(true).withContextLength(1024));
        assertThat(List.of(cfg.embDim(), cfg.nLayers(), cfg.nHeads())).containsExactly(emb, layers, heads);
        Map<String, int[]> shapes = GPT2Weights.expectedShapes(cfg);
        assertThat(shapes).hasSize(2 + 12 * layers + 2);
        assertThat(shapes.get("wte.weight")).containsExactly(50257, emb);
        assertThat(shapes.get("wpe.weight")).containsExactly(1024, emb);
        assertThat(shapes.get("h." + (layers - 1) + ".attn.c_attn.weight")).containsExactly(emb, 3 * emb);
        assertThat(shapes.get("h.0.mlp.c_fc.weight")).containsExactly(emb, 4 * emb);
        assertThat(shapes.get("h.0.mlp.c_proj.weight")).containsExactly(4 * emb, emb);
        long total = 0;
        for (int[] s : shapes.values()) total += Shape.numel(s);
        assertThat(total).as("Hugging Face's GPT2Model parameter count").isEqualTo(hfParams)
                .isEqualTo(GPTModel.parameterCountWithWeightTying(cfg));

        // the size inferred from a file with this header (the data is a sparse hole: nothing is read)
        Map<String, int[]> withBuffers = new LinkedHashMap<>();
        for (var e : shapes.entrySet()) {
            withBuffers.put("transformer." + e.getKey(), e.getValue());
            if (e.getKey().endsWith("ln_1.bias")) withBuffers.put("transformer." + e.getKey().replace("ln_1.bias", "attn.bias"), new int[] {1, 1, 1024, 1024});
        }
        Path file = headerOnly(tmp.resolve("model.safetensors"), withBuffers);
        assertThat(GPT2Weights.inferConfig(file)).isEqualTo(cfg);
    }

    @Test
    @DisplayName("the real 124M structure: every mapped tensor fits, and the tied model has GPT-2's parameter count")
    void real124MStructure() {
        GPTConfig cfg = GPT2Weights.config("gpt2");
        GPTModel model = new GPTModel(cfg);
        Map<String, Tensor> ours = model.stateDict();
        int mapped = 0;
        for (GPT2Weights.Mapping m : GPT2Weights.mapping(cfg)) {
            int[] hf = m.hfShape();
            for (String key : m.ourKeys()) {
                Tensor t = ours.get(key);
                assertThat(t).as(key).isNotNull();
                int[] want = switch (m.layout()) {
                    case COPY -> hf;
                    case TRANSPOSE -> new int[] {hf[1], hf[0]};
                    case SPLIT_QKV_TRANSPOSE -> new int[] {hf[1] / 3, hf[0]};
                    case SPLIT_QKV -> new int[] {hf[0] / 3};
                };
                assertThat(t.shape()).as(m.toString()).containsExactly(want);
                mapped++;
            }
        }
        // every parameter except the tied head is filled from the file
        assertThat(mapped).isEqualTo(model.namedParameters().size() - 1);
        assertThat(model.numParameters()).isEqualTo(163_037_184L);      // untied, with qkv bias
        model.outHead().setParameter("weight", model.tokEmb().weight());
        assertThat(model.numParameters()).isEqualTo(124_439_808L);      // Hugging Face's count
        // the book's GPT_CONFIG_124M (no qkv bias), tied: the book's 124,412,160
        assertThat(model.numParameters() - 12L * 3 * 768).isEqualTo(124_412_160L)
                .isEqualTo(GPTModel.parameterCountWithWeightTying(GPTConfig.GPT_CONFIG_124M));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gpt2", "gpt2-medium", "gpt2-large"})
    @org.junit.jupiter.api.Tag("slow")
    @DisplayName("slow: a full-size file (sparse, all zeros, with the prefix and mask buffers) loads end to end, size inferred")
    void fullSizeEndToEnd(String name, @TempDir Path tmp) throws IOException {
        GPTConfig cfg = GPT2Weights.config(name);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (var e : GPT2Weights.expectedShapes(cfg).entrySet()) {
            shapes.put("transformer." + e.getKey(), e.getValue());
            if (e.getKey().endsWith("ln_1.bias")) shapes.put("transformer." + e.getKey().replace("ln_1.bias", "attn.bias"), new int[] {1, 1, 1024, 1024});
        }
        Path file = headerOnly(tmp.resolve("model.safetensors"), shapes);
        long t0 = System.nanoTime();
        GPTModel model = GPT2Weights.load(file);
        long t1 = System.nanoTime();
        assertThat(model.config()).isEqualTo(cfg);
        assertThat(model.outHead().weight()).isSameAs(model.tokEmb().weight());
        assertThat(model.numParameters()).isEqualTo(GPTModel.parameterCountWithWeightTying(cfg));
        assertThat(model.trfBlock(cfg.nLayers() - 1).ff().layers().get(0).parameter("weight").toFloatArray()).containsOnly(0f);
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%s: built and loaded in %.1f s, heap in use %.0f MB%n", name, (t1 - t0) / 1e9, (rt.totalMemory() - rt.freeMemory()) / 1e6);
    }

    // ------------------------------------------------------------------ the download helper (no network)

    @Test
    @DisplayName("download helper: names, URLs, checksums, limits, and refusing to download without a SHA-256")
    void downloadHelper(@TempDir Path tmp) throws IOException {
        assertThat(GPT2Download.canonicalName("gpt2-small (124M)")).isEqualTo("gpt2");
        assertThat(GPT2Download.canonicalName("gpt2-medium (355M)")).isEqualTo("gpt2-medium");
        assertThatThrownBy(() -> GPT2Download.canonicalName("gpt3")).hasMessageContaining("unknown GPT-2 model");
        assertThat(GPT2Download.uri("gpt2-xl").toString()).isEqualTo("https://huggingface.co/openai-community/gpt2-xl/resolve/main/model.safetensors");
        assertThat(GPT2Download.knownSha256("gpt2")).contains("248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707");
        for (String n : List.of("gpt2-medium", "gpt2-large", "gpt2-xl")) assertThat(GPT2Download.knownSha256(n)).isEmpty();
        assertThat(GPT2Download.maxBytes("gpt2")).isBetween(548_105_171L, 800_000_000L);
        String cacheBefore = System.setProperty(dev.scratchllm.data.DataCache.PROPERTY, tmp.toString());
        try {   // downloads land in the per-user cache, under the same relative name as in SCRATCHLLM_DATA
            assertThat(GPT2Download.cacheFile("gpt2-large")).isEqualTo(tmp.resolve("gpt2-weights/gpt2-large/model.safetensors"));
        } finally {
            if (cacheBefore == null) System.clearProperty(dev.scratchllm.data.DataCache.PROPERTY);
            else System.setProperty(dev.scratchllm.data.DataCache.PROPERTY, cacheBefore);
        }

        // no copy anywhere and no built-in checksum: a clear refusal, before any network access
        org.junit.jupiter.api.Assumptions.assumeTrue(GPT2Download.locate("gpt2-xl").isEmpty(), "a gpt2-xl copy exists here");
        assertThatThrownBy(() -> GPT2Download.fetch("gpt2-xl")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no SHA-256 is built in for gpt2-xl")
                .hasMessageContaining("https://huggingface.co/openai-community/gpt2-xl/blob/main/model.safetensors")
                .hasMessageContaining("GPT2Download.fetch(\"gpt2-xl\", sha256)");
        assertThatThrownBy(() -> GPT2Download.fetch("gpt2-xl", "abc")).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> GPT2Download.fetch("gpt2", "0".repeat(64))).hasMessageContaining("differs from the published one");

        // an explicit target that is already there with the given checksum is returned as it is
        Path target = tmp.resolve("model.safetensors");
        Files.writeString(target, "stand-in");
        assertThat(GPT2Download.fetch("gpt2-medium", target, Download.sha256(target))).isEqualTo(target);
    }
}

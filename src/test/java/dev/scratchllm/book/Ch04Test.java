package dev.scratchllm.book;

import dev.scratchllm.gpt.DummyGPTModel;
import dev.scratchllm.gpt.ExampleDeepNeuralNetwork;
import dev.scratchllm.gpt.FeedForward;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.gpt.Generation;
import dev.scratchllm.gpt.TransformerBlock;
import dev.scratchllm.nn.Dropout;
import dev.scratchllm.nn.GELU;
import dev.scratchllm.nn.LayerNorm;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.ReLU;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.rand;
import static dev.scratchllm.ScratchLLM.randn;
import static dev.scratchllm.ScratchLLM.stack;
import static dev.scratchllm.ScratchLLM.tensor;
import static dev.scratchllm.gpt.GPTConfig.GPT_CONFIG_124M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Chapter 4, "Implementing a GPT model from scratch to generate text", in Java: the printed
 * results of the book's code (ch04.ipynb, gpt.py, exercise-solutions.ipynb).
 *
 * <p>The 124M model is built once (after {@code manualSeed(123)}, 163M parameters, a few
 * seconds) and shared by the tests of sections 4.6 and 4.7, exactly as the notebook reuses
 * one {@code model}: its train-mode forward pass runs right after construction, so its dropout
 * masks are the ones PyTorch draws.
 */
class Ch04Test {

    private static GPTModel model124M;
    private static Tensor trainLogits124M;

    /**
     * {@code GPT_CONFIG_124M}'s model after {@code torch.manual_seed(123)}, built on first use;
     * its first forward pass (train mode, so dropout draws) runs right after construction.
     */
    private static synchronized GPTModel book124M() {
        if (model124M == null) {
            manualSeed(123);
            model124M = new GPTModel(GPT_CONFIG_124M);
            trainLogits124M = model124M.forward(batch());
        }
        return model124M;
    }

    /** The 124M model's first output: {@code out = model(batch)} in section 4.6. */
    private static Tensor trainLogits124M() {
        book124M();
        return trainLogits124M;
    }

    @AfterAll
    static void releaseModel() {
        model124M = null; // 650 MB of weights: do not keep them for the other test classes
        trainLogits124M = null;
    }

    private static GPT2Tokenizer tokenizer() {
        return GPT2Tokenizer.load();
    }

    /** "Every effort moves you" and "Every day holds a", tokenized and stacked (section 4.1). */
    private static Tensor batch() {
        GPT2Tokenizer tokenizer = tokenizer();
        return stack(List.of(tensor(tokenizer.encode("Every effort moves you")), tensor(tokenizer.encode("Every day holds a"))), 0);
    }

    // ------------------------------------------------------------------ 4.1 the skeleton

    @Test
    @DisplayName("4.1 The tokenized batch and DummyGPTModel's logits (seed 123)")
    void dummyGptModel() {
        Tensor batch = batch();
        assertThat(batch.toString()).isEqualTo("""
                tensor([[6109, 3626, 6100,  345],
                        [6109, 1110, 6622,  257]])""");
        manualSeed(123);
        DummyGPTModel model = new DummyGPTModel(GPT_CONFIG_124M);
        Tensor logits = model.forward(batch);
        assertThat("Output shape: " + shape(logits)).isEqualTo("Output shape: torch.Size([2, 4, 50257])");
        // logits[0, 3, 1] is 1.67545020 (PyTorch 1.13 on Linux gives the same float), on the edge
        // between 1.6754 and 1.6755: the current notebook prints 1.6754, earlier runs 1.6755
        assertThat(logits.toString()).isEqualTo("""
                tensor([[[-1.2034,  0.3201, -0.7130,  ..., -1.5548, -0.2390, -0.4667],
                         [-0.1192,  0.4539, -0.4432,  ...,  0.2392,  1.3469,  1.2430],
                         [ 0.5307,  1.6720, -0.4695,  ...,  1.1966,  0.0111,  0.5835],
                         [ 0.0139,  1.6755, -0.3388,  ...,  1.1586, -0.0435, -1.0400]],

                        [[-1.0908,  0.1798, -0.9484,  ..., -1.6047,  0.2439, -0.4530],
                         [-0.7860,  0.5581, -0.0610,  ...,  0.4835, -0.0077,  1.6621],
                         [ 0.3567,  1.2698, -0.6398,  ..., -0.0162, -0.1296,  0.3717],
                         [-0.2407, -0.7349, -0.5102,  ...,  2.0057, -0.3694,  0.1814]]],
                       grad_fn=<UnsafeViewBackward0>)""");
    }

    // ------------------------------------------------------------------ 4.2 layer normalization

    @Test
    @DisplayName("4.2 Layer normalization by hand (seed 123): ReLU layer outputs, mean and variance, normalized outputs")
    void layerNormByHand() {
        manualSeed(123);
        Tensor batchExample = randn(2, 5); // 2 training examples with 5 features each
        Sequential layer = new Sequential(new Linear(5, 6), new ReLU());
        Tensor out = layer.forward(batchExample);
        assertThat(out.toString()).isEqualTo("""
                tensor([[0.2260, 0.3470, 0.0000, 0.2216, 0.0000, 0.0000],
                        [0.2133, 0.2394, 0.0000, 0.5198, 0.3297, 0.0000]],
                       grad_fn=<ReluBackward0>)""");

        Tensor mean = out.mean(-1, true);
        Tensor var = out.var(-1, true, true); // PyTorch's default: unbiased
        assertThat("Mean:\n " + mean).isEqualTo("""
                Mean:
                 tensor([[0.1324],
                        [0.2170]], grad_fn=<MeanBackward1>)""");
        assertThat("Variance:\n " + var).isEqualTo("""
                Variance:
                 tensor([[0.0231],
                        [0.0398]], grad_fn=<VarBackward0>)""");

        Tensor outNorm = out.sub(mean).div(var.sqrt());
        assertThat("Normalized layer outputs:\n " + outNorm).isEqualTo("""
                Normalized layer outputs:
                 tensor([[ 0.6159,  1.4126, -0.8719,  0.5872, -0.8719, -0.8719],
                        [-0.0189,  0.1121, -1.0876,  1.5173,  0.5647, -1.0876]],
                       grad_fn=<DivBackward0>)""");
        // The book prints means like 2.9802e-08 / -5.9605e-08 (float rounding noise whose exact
        // value depends on the summation order of the platform) and variances of 1.
        assertCentered(outNorm.mean(-1, true), outNorm.var(-1, true, true));
    }

    @Test
    @DisplayName("Listing 4.2 LayerNorm: zero mean and unit (biased) variance per row")
    void layerNormModule() {
        manualSeed(123);
        Tensor batchExample = randn(2, 5);
        LayerNorm ln = new LayerNorm(5);
        Tensor outLn = ln.forward(batchExample);
        assertCentered(outLn.mean(-1, true), outLn.var(-1, false, true));
        // the book's composed formula gives the same numbers as the fused layer
        float[] composed = ln.forwardComposed(batchExample).toFloatArray(), fused = outLn.toFloatArray();
        for (int i = 0; i < fused.length; i++) assertThat(composed[i]).isCloseTo(fused[i], within(1e-6f));
        assertThat(ln.stateDict().keySet()).containsExactly("scale", "shift");
    }

    /** Prints like the book's {@code torch.set_printoptions(sci_mode=False)} output: means 0.0000, variances 1.0000. */
    private static void assertCentered(Tensor mean, Tensor var) {
        for (float m : mean.toFloatArray()) assertThat((double) Math.abs(m)).isLessThan(1e-7);
        for (float v : var.toFloatArray()) assertThat(String.format("%.4f", v)).isEqualTo("1.0000");
    }

    // ------------------------------------------------------------------ 4.3 GELU and the feed-forward network

    @Test
    @DisplayName("Listing 4.3/4.4 GELU and FeedForward: a (2, 3, 768) input keeps its shape")
    void geluAndFeedForward() {
        GELU gelu = new GELU();
        Tensor x = tensor(new float[] {-3f, -0.75f, 0f, 1f, 3f});
        assertThat(gelu.forward(x).toString()).isEqualTo(gelu.forwardComposed(x).toString());
        assertThat(gelu.forward(x).toString()).isEqualTo("tensor([-0.0036, -0.1700,  0.0000,  0.8412,  2.9964])");

        assertThat(GPT_CONFIG_124M.embDim()).isEqualTo(768);
        FeedForward ffn = new FeedForward(GPT_CONFIG_124M);
        Tensor out = ffn.forward(rand(2, 3, 768)); // input shape: [batch_size, num_token, emb_size]
        assertThat(shape(out)).isEqualTo("torch.Size([2, 3, 768])");
        assertThat(ffn.stateDict().keySet()).containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias");
    }

    // ------------------------------------------------------------------ 4.4 shortcut connections

    @Test
    @DisplayName("Listing 4.5 ExampleDeepNeuralNetwork: gradient means without and with shortcut connections (seed 123)")
    void shortcutConnections() {
        int[] layerSizes = {3, 3, 3, 3, 3, 1};
        Tensor sampleInput = tensor(new float[][] {{1f, 0f, -1f}});

        manualSeed(123);
        var withoutShortcut = new ExampleDeepNeuralNetwork(layerSizes, false);
        assertGradientMeans(ExampleDeepNeuralNetwork.gradientMeans(withoutShortcut, sampleInput), new double[] {
                0.00020173587836325169, 0.00012011159560643137, 0.0007152039906941354, 0.0013988736318424344, 0.005049645435065031});

        manualSeed(123);
        var withShortcut = new ExampleDeepNeuralNetwork(layerSizes, true);
        assertGradientMeans(ExampleDeepNeuralNetwork.gradientMeans(withShortcut, sampleInput), new double[] {
                0.22169792652130127, 0.20694106817245483, 0.32896995544433594, 0.2665732204914093, 1.3258540630340576});
    }

    /**
     * The book prints the float32 means with all their digits; the last bit depends on the
     * platform's GELU and summation (PyTorch 1.13 on Linux gives 0.00020173586381133646 and
     * 0.22169791162014008 for the first entries), so compare to 1e-6 relative.
     */
    private static void assertGradientMeans(Map<String, Float> means, double[] book) {
        assertThat(means.keySet()).containsExactly("layers.0.0.weight", "layers.1.0.weight", "layers.2.0.weight", "layers.3.0.weight", "layers.4.0.weight");
        int i = 0;
        for (var e : means.entrySet()) {
            assertThat((double) e.getValue()).as(e.getKey() + " has gradient mean of").isCloseTo(book[i], within(1e-6 * book[i]));
            i++;
        }
    }

    // ------------------------------------------------------------------ 4.5 the transformer block

    @Test
    @DisplayName("Listing 4.6 TransformerBlock: input and output shape (2, 4, 768) (seed 123)")
    void transformerBlock() {
        manualSeed(123);
        Tensor x = rand(2, 4, 768); // [batch_size, num_tokens, emb_dim]
        TransformerBlock block = new TransformerBlock(GPT_CONFIG_124M);
        Tensor output = block.forward(x);
        assertThat("Input shape: " + shape(x)).isEqualTo("Input shape: torch.Size([2, 4, 768])");
        assertThat("Output shape: " + shape(output)).isEqualTo("Output shape: torch.Size([2, 4, 768])");
    }

    @Test
    @DisplayName("Exercise 4.1: parameters of the feed-forward (4,722,432) and attention (2,360,064) modules of one block")
    void exercise41() {
        TransformerBlock block = new TransformerBlock(GPT_CONFIG_124M);
        assertThat(String.format("Total number of parameters in feed forward module: %,d", block.ff().numParameters()))
                .isEqualTo("Total number of parameters in feed forward module: 4,722,432");
        assertThat(String.format("Total number of parameters in attention module: %,d", block.att().numParameters()))
                .isEqualTo("Total number of parameters in attention module: 2,360,064");
    }

    // ------------------------------------------------------------------ 4.6 the GPT model

    @Test
    @DisplayName("Listing 4.7 GPTModel(GPT_CONFIG_124M) (seed 123): output shape and train-mode logits")
    void gptModelLogits() {
        Tensor out = trainLogits124M();
        assertThat("Input batch:\n " + batch()).isEqualTo("""
                Input batch:
                 tensor([[6109, 3626, 6100,  345],
                        [6109, 1110, 6622,  257]])""");
        assertThat("Output shape: " + shape(out)).isEqualTo("Output shape: torch.Size([2, 4, 50257])");
        // to the printed precision: the same layout and every printed number within one unit of
        // the last digit; logits[0, 0, 1] is 0.42224988 in PyTorch, so a few ulps of summation-order
        // difference can round it to 0.4223
        assertPrintsLike(out, """
                tensor([[[ 0.3613,  0.4222, -0.0711,  ...,  0.3483,  0.4661, -0.2838],
                         [-0.1792, -0.5660, -0.9485,  ...,  0.0477,  0.5181, -0.3168],
                         [ 0.7120,  0.0332,  0.1085,  ...,  0.1018, -0.4327, -0.2553],
                         [-1.0076,  0.3418, -0.1190,  ...,  0.7195,  0.4023,  0.0532]],

                        [[-0.2564,  0.0900,  0.0335,  ...,  0.2659,  0.4454, -0.6806],
                         [ 0.1230,  0.3653, -0.2074,  ...,  0.7705,  0.2710,  0.2246],
                         [ 1.0558,  1.0318, -0.2800,  ...,  0.6936,  0.3205, -0.3178],
                         [-0.1565,  0.3926,  0.3288,  ...,  1.2630, -0.1858,  0.0388]]],
                       grad_fn=<UnsafeViewBackward0>)""");
    }

    @Test
    @DisplayName("4.6 Parameter count (163,009,536; 124,412,160 with weight tying), layer shapes and size (621.83 MB)")
    void gptModelSize() {
        GPTModel model = book124M();
        long totalParams = model.numParameters();
        assertThat(String.format("Total number of parameters: %,d", totalParams)).isEqualTo("Total number of parameters: 163,009,536");
        assertThat("Token embedding layer shape: " + shape(model.tokEmb().weight())).isEqualTo("Token embedding layer shape: torch.Size([50257, 768])");
        assertThat("Output layer shape: " + shape(model.outHead().weight())).isEqualTo("Output layer shape: torch.Size([50257, 768])");
        long totalParamsGpt2 = totalParams - model.outHead().numParameters();
        assertThat(String.format("Number of trainable parameters considering weight tying: %,d", totalParamsGpt2))
                .isEqualTo("Number of trainable parameters considering weight tying: 124,412,160");
        assertThat(String.format("Total size of the model: %.2f MB", GPTModel.sizeInMB(totalParams))).isEqualTo("Total size of the model: 621.83 MB");
        assertThat(GPTModel.parameterCount(GPT_CONFIG_124M)).isEqualTo(totalParams);
    }

    @Test
    @DisplayName("Exercise 4.2: GPT-2 medium, large and XL parameter counts and sizes")
    void exercise42() {
        StringBuilder sb = new StringBuilder();
        for (String abbrev : List.of("small", "medium", "large", "xl")) {
            String modelName = "gpt2-" + abbrev;
            GPTConfig config = GPTConfig.getConfig(GPT_CONFIG_124M, modelName);
            // counted from the configuration: building XL would take 6.5 GB (the formula is checked
            // against real models in GPTModelTest)
            long totalParams = GPTModel.parameterCount(config);
            sb.append("\n\n").append(modelName).append(":\n");
            sb.append(String.format("Total number of parameters: %,d%n", totalParams));
            sb.append(String.format("Number of trainable parameters considering weight tying: %,d%n", GPTModel.parameterCountWithWeightTying(config)));
            sb.append(String.format("Total size of the model: %.2f MB%n", GPTModel.sizeInMB(totalParams)));
        }
        assertThat(sb.toString().replace(System.lineSeparator(), "\n")).isEqualTo("""


                gpt2-small:
                Total number of parameters: 163,009,536
                Number of trainable parameters considering weight tying: 124,412,160
                Total size of the model: 621.83 MB


                gpt2-medium:
                Total number of parameters: 406,212,608
                Number of trainable parameters considering weight tying: 354,749,440
                Total size of the model: 1549.58 MB


                gpt2-large:
                Total number of parameters: 838,220,800
                Number of trainable parameters considering weight tying: 773,891,840
                Total size of the model: 3197.56 MB


                gpt2-xl:
                Total number of parameters: 1,637,792,000
                Number of trainable parameters considering weight tying: 1,557,380,800
                Total size of the model: 6247.68 MB
                """);
        assertThat(GPTConfig.GPT_CONFIG_355M).isEqualTo(GPTConfig.getConfig(GPT_CONFIG_124M, "gpt2-medium"));
        assertThat(GPTConfig.GPT_CONFIG_774M).isEqualTo(GPTConfig.getConfig(GPT_CONFIG_124M, "gpt2-large (774M)"));
        assertThat(GPTConfig.GPT_CONFIG_1558M).isEqualTo(GPTConfig.getConfig(GPT_CONFIG_124M, "gpt2-xl"));
    }

    @Test
    @DisplayName("Exercise 4.3: separate dropout rates for the embeddings, the attention weights and the shortcuts")
    void exercise43() {
        GPTConfig cfg = GPT_CONFIG_124M.withContextLength(16).withVocabSize(100).withSize(48, 12, 4).withDropRates(0.1, 0.2, 0.3);
        assertThat(cfg.dropRateEmb()).isEqualTo(0.1);
        assertThat(cfg.dropRateAttn()).isEqualTo(0.2);
        assertThat(cfg.dropRateShortcut()).isEqualTo(0.3);
        manualSeed(123);
        GPTModel model = new GPTModel(cfg);
        Map<String, dev.scratchllm.nn.Module> modules = model.namedModules();
        assertThat(((Dropout) modules.get("drop_emb")).p()).isEqualTo(0.1);
        assertThat(((Dropout) modules.get("trf_blocks.0.att.dropout")).p()).isEqualTo(0.2);
        assertThat(((Dropout) modules.get("trf_blocks.11.drop_shortcut")).p()).isEqualTo(0.3);
        // the dropout rates change no weights: the same seed gives the same initial model
        manualSeed(123);
        GPTModel plain = new GPTModel(cfg.withDropRate(0.1));
        assertThat(model.stateDict().get("out_head.weight").toString()).isEqualTo(plain.stateDict().get("out_head.weight").toString());
    }

    // ------------------------------------------------------------------ 4.7 generating text

    @Test
    @DisplayName("Listing 4.8 generate_text_simple: \"Hello, I am\" continued greedily by the untrained 124M model (seed 123)")
    void generateTextSimple() {
        GPT2Tokenizer tokenizer = tokenizer();
        String startContext = "Hello, I am";
        int[] encoded = tokenizer.encode(startContext);
        assertThat("encoded: " + Arrays.toString(encoded)).isEqualTo("encoded: [15496, 11, 314, 716]");
        Tensor encodedTensor = tensor(encoded).unsqueeze(0);
        assertThat("encoded_tensor.shape: " + shape(encodedTensor)).isEqualTo("encoded_tensor.shape: torch.Size([1, 4])");

        GPTModel model = book124M();
        model.eval(); // disable dropout
        Tensor out = Generation.generateTextSimple(model, encodedTensor, 6, GPT_CONFIG_124M.contextLength());
        assertThat("Output: " + out).isEqualTo("Output: tensor([[15496,    11,   314,   716, 27018, 24086, 47843, 30961, 42348,  7267]])");
        assertThat("Output length: " + out.get(0).size(0)).isEqualTo("Output length: 10");
        String decodedText = tokenizer.decode(out.squeeze(0).toIntArray());
        assertThat(decodedText).isEqualTo("Hello, I am Featureiman Byeswickattribute argue");

        // gpt.py's main() asks for 10 new tokens; greedy decoding only depends on the sequence so
        // far, so continuing the 6-token output for 4 more gives the same ids as one 10-token call
        Tensor out10 = Generation.generateTextSimple(model, out, 4, GPT_CONFIG_124M.contextLength());
        assertThat(out10.squeeze(0).toIntArray()).containsExactly(15496, 11, 314, 716, 27018, 24086, 47843, 30961, 42348, 7267, 49706, 43231, 47062, 34657);
        assertThat(tokenizer.decode(out10.squeeze(0).toIntArray())).isEqualTo("Hello, I am Featureiman Byeswickattribute argue logger Normandy Compton analogous");
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+\\.\\d+(e[-+]\\d+)?");

    /**
     * {@code t} prints like {@code book} (the same text once numbers are masked out) and every
     * printed number is within one unit of the book's last printed digit (1e-4).
     */
    private static void assertPrintsLike(Tensor t, String book) {
        String ours = t.toString();
        assertThat(NUMBER.matcher(ours).replaceAll("#")).isEqualTo(NUMBER.matcher(book).replaceAll("#"));
        var a = NUMBER.matcher(ours).results().map(r -> Double.parseDouble(r.group())).toList();
        var b = NUMBER.matcher(book).results().map(r -> Double.parseDouble(r.group())).toList();
        for (int i = 0; i < b.size(); i++) assertThat(a.get(i)).as("printed number " + i + " of\n" + ours).isCloseTo(b.get(i), within(1.0001e-4));
    }

    /** PyTorch's {@code torch.Size([...])}. */
    private static String shape(Tensor t) {
        return "torch.Size(" + Arrays.toString(t.shape()) + ")";
    }
}

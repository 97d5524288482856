package dev.scratchllm;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.GPTDatasetV1;
import dev.scratchllm.gpt.Generation;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Module;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.TextGeneration;

import java.util.List;

/**
 * The {@code torch}-like entry point, meant for {@code import static dev.scratchllm.ScratchLLM.*}:
 * tensor creation from Java arrays, {@code zeros}/{@code ones}/{@code arange}, the no-grad scope
 * and the thread count, the {@code torch.*} functions the book calls as functions
 * ({@code torch.softmax(x, dim)}, {@code torch.tril}, …), and the book's own helper functions by
 * their book names ({@code getEncoding("gpt2")}, {@code createDataloaderV1},
 * {@code generateTextSimple}, {@code textToTokenIds}, {@code generate}, …), so that a notebook
 * reads like the book. Everything here delegates to {@link Tensor} and the chapter classes; it
 * holds no state of its own.
 *
 * <p>Names that several chapters define differently (chapter 5's and chapter 6's
 * {@code calc_loss_batch}) are not here: import them from their class
 * ({@code dev.scratchllm.train.Training}, {@code dev.scratchllm.finetune.Classification}).
 */
public final class ScratchLLM {
    private ScratchLLM() {
    }

    /**
     * {@code torch.tensor(...)} from a 1-D float array.
     *
     * @param values the elements
     * @return the new tensor
     */
    public static Tensor tensor(float... values) {
        return Tensor.fromArray(values);
    }

    /**
     * {@code torch.tensor(...)} from a 1-D double array (stored as float32).
     *
     * @param values the elements
     * @return the new tensor
     */
    public static Tensor tensor(double... values) {
        return Tensor.fromArray(values);
    }

    /**
     * {@code torch.tensor(...)} from a 1-D int array (int64).
     *
     * @param values the elements
     * @return the new tensor
     */
    public static Tensor tensor(int... values) {
        return Tensor.fromArray(values);
    }

    /**
     * {@code torch.tensor(...)} from a 1-D long array (int64).
     *
     * @param values the elements
     * @return the new tensor
     */
    public static Tensor tensor(long... values) {
        return Tensor.fromArray(values);
    }

    /**
     * {@code torch.tensor(...)} from any nested primitive array ({@code float[][]}, {@code int[][][]}, …),
     * or from a single boxed number, which gives a 0-d tensor ({@code tensor(2.5)} is {@code torch.tensor(2.5)}).
     *
     * @param nestedArray a nested primitive array, or a boxed number
     * @return the new tensor
     */
    public static Tensor tensor(Object nestedArray) {
        return Tensor.fromArray(nestedArray);
    }

    /**
     * {@code torch.zeros(shape)}.
     *
     * @param shape the sizes of the dimensions
     * @return the new tensor
     */
    public static Tensor zeros(int... shape) {
        return Tensor.zeros(shape);
    }

    /**
     * {@code torch.ones(shape)}.
     *
     * @param shape the sizes of the dimensions
     * @return the new tensor
     */
    public static Tensor ones(int... shape) {
        return Tensor.ones(shape);
    }

    /**
     * {@code torch.full(shape, value)}.
     *
     * @param value the value of every element
     * @param shape the sizes of the dimensions
     * @return the new tensor
     */
    public static Tensor full(float value, int... shape) {
        return Tensor.full(value, shape);
    }

    /**
     * {@code torch.arange(end)} (int64).
     *
     * @param end the end (exclusive)
     * @return the new tensor
     */
    public static Tensor arange(long end) {
        return Tensor.arange(end);
    }

    /**
     * {@code torch.arange(start, end, step)} (int64).
     *
     * @param start the first value
     * @param end the end (exclusive)
     * @param step the distance between values
     * @return the new tensor
     */
    public static Tensor arange(long start, long end, long step) {
        return Tensor.arange(start, end, step);
    }

    /**
     * {@code torch.eye(n)}.
     *
     * @param n the number of rows and columns
     * @return the new tensor
     */
    public static Tensor eye(int n) {
        return Tensor.eye(n);
    }

    /**
     * {@code torch.cat(tensors, dim)}.
     *
     * @param tensors the tensors, all of the same shape (for cat: equal except along {@code dim})
     * @param dim the dimension
     * @return the new tensor
     */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Tensor.cat(tensors, dim);
    }

    /**
     * {@code torch.stack(tensors, dim)}.
     *
     * @param tensors the tensors, all of the same shape (for cat: equal except along {@code dim})
     * @param dim the dimension
     * @return the new tensor
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Tensor.stack(tensors, dim);
    }

    /**
     * {@code torch.where(condition, a, b)}.
     *
     * @param condition a boolean mask, broadcast with {@code a} and {@code b}
     * @param a the value where the condition holds
     * @param b the value elsewhere
     * @return the new tensor
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Tensor.where(condition, a, b);
    }

    // ---------------------------------------------------------------- randomness (PyTorch-compatible)

    /**
     * {@code torch.manual_seed(seed)}: reseeds the default generator.
     *
     * @param seed the seed
     * @return the default generator, reseeded
     */
    public static Generator manualSeed(long seed) {
        return Generator.defaultGenerator().manualSeed(seed);
    }

    /**
     * {@code torch.rand(shape)}: uniform [0, 1) from the default generator, bit-identical to PyTorch.
     *
     * @param shape the sizes of the dimensions
     * @return the new tensor
     */
    public static Tensor rand(int... shape) {
        return Tensor.of(Generator.defaultGenerator().rand(dev.scratchllm.tensor.Shape.numel(shape)), shape);
    }

    /**
     * {@code torch.randn(shape)}: standard normal from the default generator, bit-identical to PyTorch.
     *
     * @param shape the sizes of the dimensions
     * @return the new tensor
     */
    public static Tensor randn(int... shape) {
        return Tensor.of(Generator.defaultGenerator().randn(dev.scratchllm.tensor.Shape.numel(shape)), shape);
    }

    /**
     * {@code torch.randint(low, high, shape)} (int64).
     *
     * @param low the smallest value (inclusive)
     * @param high the largest value (exclusive)
     * @param shape the sizes of the dimensions
     * @return the new int64 tensor
     */
    public static Tensor randint(long low, long high, int... shape) {
        return Tensor.ofLongs(Generator.defaultGenerator().randint(low, high, dev.scratchllm.tensor.Shape.numel(shape)), shape);
    }

    /**
     * {@code torch.randperm(n)} (int64).
     *
     * @param n the number of values (0 … n-1)
     * @return the new int64 tensor
     */
    public static Tensor randperm(int n) {
        long[] p = Generator.defaultGenerator().randperm(n);
        return Tensor.ofLongs(p, p.length);
    }

    /**
     * {@code torch.multinomial(probs, numSamples)} without replacement for a 1-D or 2-D float
     * tensor of (unnormalised) probabilities; returns int64 indices of shape
     * {@code (…, numSamples)}.
     *
     * @param probs the probabilities, one row per draw
     * @param numSamples how many indices to draw per row (without replacement)
     * @return the new int64 tensor
     */
    public static Tensor multinomial(Tensor probs, int numSamples) {
        if (probs.dim() != 1 && probs.dim() != 2)
            throw new IllegalArgumentException("multinomial: prob_dist must be 1 or 2 dim, got shape " + dev.scratchllm.tensor.Shape.str(probs.shape()));
        int rows = probs.dim() == 1 ? 1 : probs.size(0), cats = probs.size(-1);
        long[] r = Generator.defaultGenerator().multinomial(probs.toFloatArray(), rows, cats, numSamples, false);
        return probs.dim() == 1 ? Tensor.ofLongs(r, numSamples) : Tensor.ofLongs(r, rows, numSamples);
    }

    // ---------------------------------------------------------------- torch.* functions

    /**
     * {@code torch.bincount(input, minlength=minlength)}: see {@link Tensor#bincount(int)}.
     *
     * @param input a 1-D int64 tensor of non-negative values
     * @param minlength the least number of bins
     * @return the counts (int64)
     */
    public static Tensor bincount(Tensor input, int minlength) {
        return input.bincount(minlength);
    }

    /**
     * {@code torch.bincount(input)}: see {@link Tensor#bincount()}.
     *
     * @param input a 1-D int64 tensor of non-negative values
     * @return the counts (int64)
     */
    public static Tensor bincount(Tensor input) {
        return input.bincount();
    }

    /**
     * {@code torch.softmax(x, dim)}: the same as {@code x.softmax(dim)}.
     *
     * @param x the input
     * @param dim the dimension
     * @return the new tensor
     */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /**
     * {@code torch.exp(x)}: the same as {@code x.exp()}.
     *
     * @param x the input
     * @return the new tensor
     */
    public static Tensor exp(Tensor x) {
        return x.exp();
    }

    /**
     * {@code torch.sigmoid(x)}: the same as {@code x.sigmoid()}.
     *
     * @param x the input
     * @return the new tensor
     */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /**
     * {@code torch.dot(a, b)} of two 1-D tensors: the same as {@code a.dot(b)}.
     *
     * @param a the first 1-D tensor
     * @param b the second 1-D tensor
     * @return the new tensor
     */
    public static Tensor dot(Tensor a, Tensor b) {
        return a.dot(b);
    }

    /**
     * {@code torch.argmax(x, dim)}: the same as {@code x.argmax(dim)}.
     *
     * @param x the input
     * @param dim the dimension
     * @return the indices of the maxima, int64
     */
    public static Tensor argmax(Tensor x, int dim) {
        return x.argmax(dim);
    }

    /**
     * {@code torch.tril(x)}: the lower triangle (diagonal included), zeros above.
     *
     * @param x the input
     * @return the new tensor
     */
    public static Tensor tril(Tensor x) {
        return x.tril();
    }

    /**
     * {@code torch.triu(x, diagonal)}: the upper triangle from {@code diagonal} on, zeros below.
     *
     * @param x the input
     * @param diagonal the first diagonal kept (0 is the main diagonal)
     * @return the new tensor
     */
    public static Tensor triu(Tensor x, int diagonal) {
        return x.triu(diagonal);
    }

    /**
     * {@code torch.nn.functional.cross_entropy(logits, targets)}: mean cross entropy over the rows.
     *
     * @param logits the unnormalised scores, (rows, classes)
     * @param targets the class index per row, int64
     * @return the mean loss, a scalar tensor
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return Functional.crossEntropy(logits, targets);
    }

    /**
     * {@code torch.nn.functional.binary_cross_entropy(p, y)}: mean binary cross entropy of probabilities {@code p}.
     *
     * @param p the probabilities
     * @param y the 0/1 targets, the shape of {@code p}
     * @return the mean loss, a scalar tensor
     */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor y) {
        return Functional.binaryCrossEntropy(p, y);
    }

    // ---------------------------------------------------------------- the book's helper functions

    /**
     * {@code tiktoken.get_encoding("gpt2")}: GPT-2's byte-level BPE tokenizer (the only encoding there is).
     *
     * @param name the encoding name; only {@code "gpt2"}
     * @return the tokenizer
     */
    public static GPT2Tokenizer getEncoding(String name) {
        if (!"gpt2".equals(name))
            throw new IllegalArgumentException("getEncoding: unknown encoding \"" + name + "\" (only \"gpt2\" is available)");
        return GPT2Tokenizer.load();
    }

    /**
     * Chapter 2's {@code create_dataloader_v1(txt, batch_size, max_length, stride, shuffle, drop_last)}:
     * a {@link GPTDatasetV1} over GPT-2 token ids in a {@link DataLoader} of (inputs, targets) batches.
     *
     * @param txt the training text
     * @param batchSize the sequences per batch
     * @param maxLength the tokens per sequence
     * @param stride the distance between the starts of consecutive sequences
     * @param shuffle whether to shuffle the sequences each epoch (from the default generator)
     * @param dropLast whether to drop a last, smaller batch
     * @return the data loader of (inputs, targets) batches
     */
    public static DataLoader<Tensor[], Tensor[]> createDataloaderV1(String txt, int batchSize, int maxLength, int stride,
                                                                     boolean shuffle, boolean dropLast) {
        return GPTDatasetV1.createDataloaderV1(txt, batchSize, maxLength, stride, shuffle, dropLast);
    }

    /**
     * {@code create_dataloader_v1(txt)} with the book's defaults: batch 4, 256 tokens, stride 128, shuffled, last batch dropped.
     *
     * @param txt the training text
     * @return the data loader of (inputs, targets) batches
     */
    public static DataLoader<Tensor[], Tensor[]> createDataloaderV1(String txt) {
        return GPTDatasetV1.createDataloaderV1(txt);
    }

    /**
     * Chapter 4's {@code generate_text_simple(model, idx, max_new_tokens, context_size)}: greedy decoding.
     *
     * @param model the language model (returns (b, n, vocab) logits)
     * @param idx the context, int64, shape (b, n)
     * @param maxNewTokens how many tokens to append
     * @param contextSize the most tokens the model sees at once
     * @return the context with the new tokens appended
     */
    public static Tensor generateTextSimple(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        return Generation.generateTextSimple(model, idx, maxNewTokens, contextSize);
    }

    /**
     * Chapter 5's {@code text_to_token_ids(text, tokenizer)}: a (1, n) int64 tensor, {@code <|endoftext|>} allowed.
     *
     * @param text the text
     * @param tokenizer the GPT-2 tokenizer
     * @return the ids, int64, shape (1, n)
     */
    public static Tensor textToTokenIds(String text, GPT2Tokenizer tokenizer) {
        return TextGeneration.textToTokenIds(text, tokenizer);
    }

    /**
     * Chapter 5's {@code token_ids_to_text(token_ids, tokenizer)}: decodes a (1, n) or (n) id tensor.
     *
     * @param tokenIds the token ids
     * @param tokenizer the GPT-2 tokenizer
     * @return the decoded text
     */
    public static String tokenIdsToText(Tensor tokenIds, GPT2Tokenizer tokenizer) {
        return TextGeneration.tokenIdsToText(tokenIds, tokenizer);
    }

    /**
     * Chapter 5's {@code generate(model, idx, max_new_tokens, context_size)}: greedy (temperature 0, no top-k).
     *
     * @param model the language model (returns (b, n, vocab) logits)
     * @param idx the context, int64, shape (b, n)
     * @param maxNewTokens how many tokens to append
     * @param contextSize the most tokens the model sees at once
     * @return the context with the new tokens appended
     */
    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        return TextGeneration.generate(model, idx, maxNewTokens, contextSize);
    }

    /**
     * Chapter 5's {@code generate(model, idx, max_new_tokens, context_size, temperature, top_k, eos_id)}:
     * top-k filtering ({@code topK} null for none), temperature scaling and sampling from the default
     * generator (greedy at temperature 0), stopping early at {@code eosId} (null for never).
     *
     * @param model the language model (returns (b, n, vocab) logits)
     * @param idx the context, int64, shape (b, n)
     * @param maxNewTokens how many tokens to append
     * @param contextSize the most tokens the model sees at once
     * @param temperature 0 for greedy decoding, above 0 to sample from softmax(logits / temperature)
     * @param topK keep only the k largest logits, or null
     * @param eosId stop when this id is produced, or null
     * @return the context with the new tokens appended
     */
    public static Tensor generate(Module model, Tensor idx, int maxNewTokens, int contextSize, float temperature, Integer topK, Long eosId) {
        return TextGeneration.generate(model, idx, maxNewTokens, contextSize, temperature, topK, eosId);
    }

    // ---------------------------------------------------------------- scopes and threads

    /**
     * A scope without graph recording: {@code try (var g = noGrad()) { … }}.
     *
     * @return the scope; closing it restores recording
     */
    public static GradMode.Scope noGrad() {
        return GradMode.noGrad();
    }

    /**
     * Sets the number of threads the kernels use (default: all cores).
     *
     * @param n the number of threads, at least 1
     */
    public static void setNumThreads(int n) {
        Parallel.setNumThreads(n);
    }

    /**
     * The number of threads the kernels use.
     *
     * @return the number of threads
     */
    public static int getNumThreads() {
        return Parallel.numThreads();
    }
}

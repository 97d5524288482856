/*
 * CausalLMBackend: a ModelBackend over any infer.CausalLM (GPT-2's GPTInference, Llama 3 and
 * Qwen3 through their CausalLM), the model's vocabulary (ordinary encoding, the bytes of each
 * token for streaming, the ids that end a turn) and its chat format. The decode loop is the
 * allocation-free inference path with the library's one sampler (infer.Sampler): the prompt is
 * prefilled into a sequence slot, then one token at a time is decoded and handed over; past the
 * slot's capacity the window slides as in the book's generate (the last `capacity` tokens are run
 * again). A seeded request draws with its own Generator(seed), so it picks the tokens that
 * manualSeed(seed) + the book's generate picks.
 *
 * Concurrency: each generate() call takes a slot of its own from a pool (a CausalLM instance is
 * one thread of control); the pool grows to as many instances as calls ever ran at once (the
 * server's --parallel), and they are reused. It does not batch concurrent requests together.
 */
package dev.scratchllm.serve;

import dev.scratchllm.infer.CausalLM;
import dev.scratchllm.infer.Sampler;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tokenizer.StreamingDecoder;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/** A {@link ModelBackend} for any {@link CausalLM}. */
public class CausalLMBackend implements ModelBackend {
    private static final SecureRandom SEEDS = new SecureRandom();

    /**
     * What the backend needs of a model's tokenizer.
     *
     * @param encoder ordinary encoding of text (special-token names stay text)
     * @param tokenBytes the bytes of one token id (for the streaming decoder)
     * @param emptyPrompt the prompt used for an empty text (GPT-2: {@code <|endoftext|>})
     * @param stopIds the ids that end a reply (not handed over)
     */
    public record Vocabulary(Function<String, int[]> encoder, IntFunction<byte[]> tokenBytes, int[] emptyPrompt, int[] stopIds) {
        /**
         * Copies the arrays.
         *
         * @param encoder the encoder
         * @param tokenBytes the token bytes
         * @param emptyPrompt the empty prompt
         * @param stopIds the stop ids
         */
        public Vocabulary {
            emptyPrompt = emptyPrompt.clone();
            stopIds = stopIds.clone();
        }
    }

    /**
     * Describes the model in the APIs.
     *
     * @param id the model's name in the APIs
     * @param family the architecture family ({@code gpt2}, {@code llama}, {@code qwen3})
     * @param parameterCount the number of parameters
     * @param contextLength the most tokens it attends to (a prompt must be shorter)
     */
    public record Info(String id, String family, long parameterCount, int contextLength) {
    }

    /** One generation's slot: the model instance and its buffers. */
    private static final class Slot {
        final CausalLM lm;
        final Sampler sampler;
        final float[] logits;
        final int[] slot0 = {0}, token = new int[1];

        Slot(CausalLM lm) {
            this.lm = lm;
            sampler = new Sampler(lm.vocabSize());
            logits = new float[lm.vocabSize()];
        }
    }

    private final Info info;
    private final Supplier<? extends CausalLM> factory;
    private final Vocabulary vocabulary;
    private final ChatFormat format;
    private final ConcurrentLinkedDeque<Slot> free = new ConcurrentLinkedDeque<>();

    /**
     * A backend.
     *
     * @param info the model's name, family, size and context
     * @param factory makes a new model instance for a slot (called lazily, once per concurrent generation)
     * @param vocabulary the tokenizer's part
     * @param format the chat format
     */
    public CausalLMBackend(Info info, Supplier<? extends CausalLM> factory, Vocabulary vocabulary, ChatFormat format) {
        this.info = info;
        this.factory = factory;
        this.vocabulary = vocabulary;
        this.format = format;
    }

    /**
     * A backend that starts with {@code first} as its first slot (the instance already built,
     * e.g. to check that the model loads).
     *
     * @param info the model's description
     * @param first a ready instance
     * @param factory makes further instances
     * @param vocabulary the tokenizer's part
     * @param format the chat format
     */
    public CausalLMBackend(Info info, CausalLM first, Supplier<? extends CausalLM> factory, Vocabulary vocabulary, ChatFormat format) {
        this(info, factory, vocabulary, format);
        free.push(new Slot(first));
    }

    /**
     * The same model under another name in the APIs; the instances made so far move to it.
     *
     * @param newId the name
     * @return the renamed backend (use it instead of this one)
     */
    public CausalLMBackend named(String newId) {
        CausalLMBackend b = new CausalLMBackend(new Info(newId, info.family(), info.parameterCount(), info.contextLength()), factory, vocabulary, format);
        for (Slot s; (s = free.poll()) != null; ) b.free.push(s);
        return b;
    }

    @Override
    public String id() {
        return info.id();
    }

    @Override
    public String family() {
        return info.family();
    }

    @Override
    public long parameterCount() {
        return info.parameterCount();
    }

    @Override
    public int contextLength() {
        return info.contextLength();
    }

    @Override
    public ChatFormat chatFormat() {
        return format;
    }

    @Override
    public int[] encode(String text) {
        return vocabulary.encoder().apply(text);
    }

    @Override
    public int[] emptyPrompt() {
        return vocabulary.emptyPrompt().clone();
    }

    @Override
    public StreamingDecoder newDecoder() {
        return new StreamingDecoder(vocabulary.tokenBytes());
    }

    /**
     * The ids that end a reply.
     *
     * @return a copy of them
     */
    public int[] stopIds() {
        return vocabulary.stopIds().clone();
    }

    @Override
    public Finish generate(int[] prompt, SamplingParams p, IntPredicate onToken) {
        if (prompt.length < 1) throw new IllegalArgumentException("CausalLMBackend.generate: the prompt is empty");
        Generator rng = new Generator(p.seed() != null ? p.seed() : SEEDS.nextLong());
        Slot s = free.poll();
        if (s == null) s = new Slot(factory.get());
        try {
            return run(s, prompt, p, rng, onToken);
        } finally {
            free.push(s);
        }
    }

    private Finish run(Slot s, int[] prompt, SamplingParams p, Generator rng, IntPredicate onToken) {
        CausalLM lm = s.lm;
        int max = p.maxTokens();
        // the history the repetition penalty sees; grown as needed (max may be huge on the command line)
        int[] seq = java.util.Arrays.copyOf(prompt, (int) Math.min(Integer.MAX_VALUE - 8, (long) prompt.length + Math.min(max, 4096)));
        int len = prompt.length;
        window(s, seq, len);
        for (int n = 0; n < max; ) {
            int t = s.sampler.sample(s.logits, 0, p.sampling(), rng, seq, len);
            for (int stop : vocabulary.stopIds()) if (t == stop) return Finish.EOS;
            if (len == seq.length) seq = java.util.Arrays.copyOf(seq, (int) Math.min(Integer.MAX_VALUE - 8, 2L * len));
            seq[len++] = t;
            n++;
            if (!onToken.test(t)) return Finish.CALLER;
            if (n == max) break;
            if (lm.length(0) < lm.capacity()) {
                s.token[0] = t;
                lm.decode(1, s.slot0, s.token, s.logits, 0);
            } else {
                window(s, seq, len); // the slot is full: slide the window as the book's generate crops
            }
        }
        return Finish.LENGTH;
    }

    /** Runs the last {@code capacity} tokens into the emptied slot 0. */
    private static void window(Slot s, int[] seq, int len) {
        s.lm.reset(0);
        int from = Math.max(0, len - s.lm.capacity());
        s.lm.prefill(0, seq, from, len - from, s.logits, 0);
    }
}

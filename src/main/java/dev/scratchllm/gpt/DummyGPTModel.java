package dev.scratchllm.gpt;

import dev.scratchllm.nn.Dropout;
import dev.scratchllm.nn.Embedding;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code DummyGPTModel(cfg)} (listing 4.1, section 4.1): the GPT architecture's
 * skeleton with placeholders, {@code tok_emb}, {@code pos_emb}, {@code drop_emb},
 * {@code trf_blocks} of {@link DummyTransformerBlock}s (identity), {@code final_norm} a
 * {@link DummyLayerNorm} (identity) and {@code out_head} ({@code Linear(E, vocab, bias=False)}).
 * Its logits are just the projected embeddings; it exists to show the data flow before the real
 * parts are written. Same construction order as the book, so {@code manualSeed(123)} reproduces
 * the printed logits.
 */
public class DummyGPTModel extends Module {
    private final GPTConfig cfg;

    /**
     * Builds the skeleton for {@code cfg}, drawing the initial weights from the default generator.
     *
     * @param cfg the configuration
     */
    public DummyGPTModel(GPTConfig cfg) {
        this.cfg = cfg;
        registerModule("tok_emb", new Embedding(cfg.vocabSize(), cfg.embDim()));
        registerModule("pos_emb", new Embedding(cfg.contextLength(), cfg.embDim()));
        registerModule("drop_emb", new Dropout(cfg.dropRateEmb()));
        DummyTransformerBlock[] blocks = new DummyTransformerBlock[cfg.nLayers()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new DummyTransformerBlock(cfg);
        registerModule("trf_blocks", new Sequential(blocks));
        registerModule("final_norm", new DummyLayerNorm(cfg.embDim()));
        registerModule("out_head", new Linear(cfg.embDim(), cfg.vocabSize(), false));
    }

    /** int64 ids (batch, num_tokens) → logits (batch, num_tokens, vocab_size). */
    @Override
    public Tensor forward(Tensor inIdx) {
        GPTModel.checkIds(inIdx, cfg.contextLength());
        int seqLen = inIdx.size(1);
        Tensor tokEmbeds = child("tok_emb", Embedding.class).forward(inIdx);                 // (b, T, E)
        Tensor posEmbeds = child("pos_emb", Embedding.class).forward(Tensor.arange(seqLen)); // (T, E)
        Tensor x = tokEmbeds.add(posEmbeds);                                                 // (b, T, E)
        x = child("drop_emb", Dropout.class).forward(x);
        x = child("trf_blocks", Sequential.class).forward(x);
        x = child("final_norm", DummyLayerNorm.class).forward(x);
        return child("out_head", Linear.class).forward(x);                                   // (b, T, vocab_size)
    }
}

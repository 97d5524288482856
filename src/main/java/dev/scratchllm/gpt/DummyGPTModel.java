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
    private final Embedding tokEmb, posEmb;
    private final Dropout dropEmb;
    private final Sequential trfBlocks;
    private final DummyLayerNorm finalNorm;
    private final Linear outHead;

    public DummyGPTModel(GPTConfig cfg) {
        this.cfg = cfg;
        tokEmb = registerModule("tok_emb", new Embedding(cfg.vocabSize(), cfg.embDim()));
        posEmb = registerModule("pos_emb", new Embedding(cfg.contextLength(), cfg.embDim()));
        dropEmb = registerModule("drop_emb", new Dropout(cfg.dropRateEmb()));
        DummyTransformerBlock[] blocks = new DummyTransformerBlock[cfg.nLayers()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new DummyTransformerBlock(cfg);
        trfBlocks = registerModule("trf_blocks", new Sequential(blocks));
        finalNorm = registerModule("final_norm", new DummyLayerNorm(cfg.embDim()));
        outHead = registerModule("out_head", new Linear(cfg.embDim(), cfg.vocabSize(), false));
    }

    /** int64 ids (batch, num_tokens) → logits (batch, num_tokens, vocab_size). */
    @Override
    public Tensor forward(Tensor inIdx) {
        GPTModel.checkIds(inIdx, cfg.contextLength());
        int seqLen = inIdx.size(1);
        Tensor tokEmbeds = tokEmb.forward(inIdx);                 // (b, T, E)
        Tensor posEmbeds = posEmb.forward(Tensor.arange(seqLen)); // (T, E)
        Tensor x = tokEmbeds.add(posEmbeds);                      // (b, T, E)
        x = dropEmb.forward(x);
        x = trfBlocks.forward(x);
        x = finalNorm.forward(x);
        return outHead.forward(x);                                // (b, T, vocab_size)
    }
}

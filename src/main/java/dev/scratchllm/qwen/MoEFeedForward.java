package dev.scratchllm.qwen;

import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.ModuleList;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tensor.ValuesIndices;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The mixture-of-experts feed-forward of Qwen3 30B-A3B, the reference's {@code MoEFeedForward}:
 * a router {@code gate} scores {@code num_experts} SwiGLU experts per token, the top
 * {@code num_experts_per_tok} scores are turned into weights by a softmax over those scores only,
 * and each token's output is the weighted sum of its chosen experts' outputs. The experts'
 * layers are three lists, {@code fc1.E}, {@code fc2.E}, {@code fc3.E}, created (like the
 * reference) gate first, then all {@code fc1}, all {@code fc2}, all {@code fc3}.
 *
 * <p>As in the reference, the experts run in ascending id order, each on the tokens routed to it,
 * and their weighted outputs are added into the result in that order (so the float sums match).
 * Differentiable: the router gets gradients through the softmax of the chosen scores. It has no
 * load-balancing loss and no capacity limit (neither has the reference).
 */
public class MoEFeedForward extends Module {
    private final int numExperts, numExpertsPerTok, embDim;

    /**
     * The block for {@code cfg} (which must have experts).
     *
     * @param cfg the configuration
     * @throws IllegalArgumentException if {@code cfg.numExperts()} is 0
     */
    public MoEFeedForward(Qwen3Config cfg) {
        if (cfg.numExperts() < 1) throw new IllegalArgumentException("MoEFeedForward: the config has no experts (num_experts = 0)");
        this.numExperts = cfg.numExperts();
        this.numExpertsPerTok = cfg.numExpertsPerTok();
        this.embDim = cfg.embDim();
        int e = cfg.embDim(), h = cfg.moeIntermediateSize();
        registerModule("gate", new Linear(e, numExperts, false));
        List<Linear> fc1 = new ArrayList<>(), fc2 = new ArrayList<>(), fc3 = new ArrayList<>();
        for (int i = 0; i < numExperts; i++) fc1.add(new Linear(e, h, false));
        registerModule("fc1", new ModuleList<>(fc1));
        for (int i = 0; i < numExperts; i++) fc2.add(new Linear(e, h, false));
        registerModule("fc2", new ModuleList<>(fc2));
        for (int i = 0; i < numExperts; i++) fc3.add(new Linear(h, e, false));
        registerModule("fc3", new ModuleList<>(fc3));
    }

    /** {@return the router {@code gate}} */
    public Linear gate() {
        return child("gate", Linear.class);
    }

    /** {@return the number of experts} */
    public int numExperts() {
        return numExperts;
    }

    /** {@return how many experts each token is routed to ({@code num_experts_per_tok})} */
    public int numExpertsPerTok() {
        return numExpertsPerTok;
    }

    /**
     * One expert's layer.
     *
     * @param list {@code "fc1"}, {@code "fc2"} or {@code "fc3"}
     * @param i the expert id
     * @return the layer {@code list.i}
     */
    public Linear expertLayer(String list, int i) {
        return expert(list, i);
    }

    @SuppressWarnings("unchecked")
    private Linear expert(String list, int i) {
        return ((ModuleList<Linear>) child(list, ModuleList.class)).get(i);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3 || x.size(2) != embDim)
            throw new IllegalArgumentException("MoEFeedForward: expected input (b, seq_len, " + embDim + "), got " + java.util.Arrays.toString(x.shape()));
        int batch = x.size(0), seqLen = x.size(1), n = batch * seqLen, k = numExpertsPerTok;
        Tensor scores = gate().forward(x);                     // (b, seq_len, num_experts)
        ValuesIndices top = scores.topk(k, -1);                // (b, seq_len, k) each
        Tensor topkProbs = top.values().softmax(-1);           // (b, seq_len, k)

        Tensor xFlat = x.reshape(n, embDim);                   // (b·seq_len, emb_dim)
        Tensor outFlat = Tensor.zeros(n, embDim);
        long[] idx = top.indices().reshape(n, k).toLongArray(); // topk_indices_flat
        Tensor probsFlat = topkProbs.reshape(n, k);             // (b·seq_len, k)

        TreeSet<Long> unique = new TreeSet<>();                 // torch.unique: sorted
        for (long v : idx) unique.add(v);
        for (long expertId : unique) {
            int eid = (int) expertId;
            List<Long> rows = new ArrayList<>(), slots = new ArrayList<>();
            for (int r = 0; r < n; r++)
                for (int s = 0; s < k; s++)
                    if (idx[r * k + s] == expertId) { // the first slot that holds this expert (argmax of the mask)
                        rows.add((long) r);
                        slots.add((long) s);
                        break;
                    }
            Tensor selectedIdx = Tensor.ofLongs(rows.stream().mapToLong(Long::longValue).toArray(), rows.size());
            Tensor slotIndices = Tensor.ofLongs(slots.stream().mapToLong(Long::longValue).toArray(), slots.size(), 1);
            Tensor expertInput = xFlat.indexSelect(0, selectedIdx);                   // (m, emb_dim)
            Tensor hidden = expert("fc1", eid).forward(expertInput).silu().mul(expert("fc2", eid).forward(expertInput));
            Tensor expertOut = expert("fc3", eid).forward(hidden);                    // (m, emb_dim)
            Tensor selectedProbs = probsFlat.indexSelect(0, selectedIdx).gather(-1, slotIndices).squeeze(-1); // (m)
            outFlat = outFlat.indexAdd(0, selectedIdx, expertOut.mul(selectedProbs.unsqueeze(-1)));
        }
        return outFlat.reshape(batch, seqLen, embDim);
    }
}

package dev.scratchllm.finetune;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Json;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DPO (the book repository's chapter 7 bonus) against PyTorch: scripts/make_dpo_fixtures.py runs the
 * notebook's functions on two tiny GPTs and one collated batch; the real data's first batch is
 * checked against the notebook's printed ids and mask.
 */
class DPOTest {
    static Safetensors.Contents fx;
    static GPTConfig cfg;

    @BeforeAll
    static void load() throws Exception {
        fx = Safetensors.readWithMetadata(Path.of(DPOTest.class.getResource("/fixtures/dpo_torch.safetensors").toURI()));
        Map<String, Object> c = Json.parseObject(fx.metadata().get("config"), "dpo_torch config");
        cfg = new GPTConfig(((Number) c.get("vocab_size")).intValue(), ((Number) c.get("context_length")).intValue(), ((Number) c.get("emb_dim")).intValue(),
                ((Number) c.get("n_heads")).intValue(), ((Number) c.get("n_layers")).intValue(), 0.0, false);
    }

    static Tensor t(String name) {
        return fx.tensors().get(name);
    }

    static GPTModel model(String prefix) {
        GPTModel m = new GPTModel(cfg);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (var e : fx.tensors().entrySet()) if (e.getKey().startsWith(prefix)) state.put(e.getKey().substring(prefix.length()), e.getValue());
        m.loadStateDict(state);
        return m;
    }

    static PreferenceCollate.PreferenceBatch fixtureBatch() {
        return new PreferenceCollate.PreferenceBatch(List.of(), t("chosen"), t("rejected"), t("chosen_mask").toBool(), t("rejected_mask").toBool());
    }

    static void assertClose(String what, Tensor actual, Tensor expected, double atol) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        float[] a = actual.toFloatArray(), b = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) assertThat((double) a[i]).as(what + "[" + i + "]").isCloseTo(b[i], org.assertj.core.data.Offset.offset(atol));
    }

    @Test
    @DisplayName("the collate function pads and masks the fixture's pairs exactly as the notebook's")
    void collateMatchesTheReference() {
        List<?> items = (List<?>) Json.parse(fx.metadata().get("items"), "items");
        List<PreferenceDataset.Encoded> enc = new ArrayList<>();
        for (Object o : items) {
            Map<?, ?> m = (Map<?, ?>) o;
            enc.add(new PreferenceDataset.Encoded(ints(m.get("prompt")), ints(m.get("chosen")), ints(m.get("rejected"))));
        }
        var b = PreferenceCollate.customCollate(enc, Integer.parseInt(fx.metadata().get("pad")), null, true);
        assertThat(b.chosen().toLongArray()).containsExactly(t("chosen").toLongArray());
        assertThat(b.rejected().toLongArray()).containsExactly(t("rejected").toLongArray());
        assertThat(b.chosenMask().toLong().toLongArray()).containsExactly(t("chosen_mask").toLongArray());
        assertThat(b.rejectedMask().toLong().toLongArray()).containsExactly(t("rejected_mask").toLongArray());
        var cut = PreferenceCollate.customCollate(enc, 63, 10, true);
        assertThat(cut.chosen().shape()).containsExactly(2, 10);
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
    }

    @Test
    @DisplayName("seeded initialisation, log-probabilities, loss, rewards and gradients equal PyTorch's")
    void lossRewardsAndGradientsMatchPyTorch() {
        ScratchLLM.manualSeed(123);
        GPTModel seeded = new GPTModel(cfg);
        GPTModel policy = model("policy.");
        for (var e : policy.stateDict().entrySet())
            assertThat(seeded.stateDict().get(e.getKey()).toFloatArray()).as("seeded " + e.getKey()).containsExactly(e.getValue().toFloatArray());
        GPTModel reference = model("reference.");
        reference.eval();
        var batch = fixtureBatch();

        Tensor pc = DPO.computeLogprobs(policy.forward(batch.chosen()), batch.chosen(), batch.chosenMask());
        Tensor pr = DPO.computeLogprobs(policy.forward(batch.rejected()), batch.rejected(), batch.rejectedMask());
        assertClose("policy chosen", pc, t("logprobs.policy_chosen"), 1e-6);
        assertClose("policy rejected", pr, t("logprobs.policy_rejected"), 1e-6);
        try (var g = ScratchLLM.noGrad()) {
            assertClose("unmasked", DPO.computeLogprobs(policy.forward(batch.chosen()), batch.chosen(), null), t("logprobs.policy_chosen_unmasked"), 1e-6);
        }
        policy.zeroGrad();
        DPO.Loss l = DPO.computeDpoLossBatch(batch, policy, reference, 0.1);
        assertThat((double) l.loss().item()).isCloseTo(t("loss").item(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat((double) l.chosenRewards().item()).isCloseTo(t("chosen_rewards").item(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat((double) l.rejectedRewards().item()).isCloseTo(t("rejected_rewards").item(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(l.loss().item()).isNotCloseTo((float) Math.log(2), org.assertj.core.data.Offset.offset(1e-3f)); // the two models differ
        l.loss().backward();
        for (var e : policy.namedParameters().entrySet())
            assertClose("grad " + e.getKey(), e.getValue().grad(), t("grad." + e.getKey()), 1e-6);
    }

    @Test
    @DisplayName("three AdamW steps give PyTorch's losses and parameters")
    void threeTrainingStepsMatchPyTorch() {
        GPTModel policy = model("policy.");
        GPTModel reference = model("reference.");
        reference.eval();
        policy.train();
        var batch = fixtureBatch();
        AdamW opt = new AdamW(policy.parameters(), 1e-2, 0.01);
        float[] want = t("train_losses").toFloatArray();
        for (int step = 0; step < want.length; step++) {
            opt.zeroGrad();
            DPO.Loss l = DPO.computeDpoLossBatch(batch, policy, reference, 0.1);
            assertThat((double) l.loss().item()).as("loss of step " + step).isCloseTo(want[step], org.assertj.core.data.Offset.offset(1e-5));
            l.loss().backward();
            opt.step();
        }
        for (var e : policy.namedParameters().entrySet()) assertClose("after " + e.getKey(), e.getValue(), t("after." + e.getKey()), 1e-5);
    }

    @Test
    @DisplayName("the loss of identical models is log 2 with zero rewards (the notebook's 0.6931)")
    void identicalModelsGiveLogTwo() {
        GPTModel policy = model("policy.");
        GPTModel same = model("policy.");
        try (var g = ScratchLLM.noGrad()) {
            DPO.Loss l = DPO.computeDpoLossBatch(fixtureBatch(), policy, same, 0.1);
            assertThat(l.loss().item()).isEqualTo(0.6931472f);
            assertThat(l.chosenRewards().item()).isZero();
            assertThat(l.rejectedRewards().item()).isZero();
        }
        assertThatThrownBy(() -> DPO.computeDpoLoss(Tensor.of(new float[2], 2), Tensor.of(new float[3], 3), Tensor.of(new float[2], 2), Tensor.of(new float[2], 2), 0.1))
                .hasMessageContaining("compute_dpo_loss").hasMessageContaining("[2]").hasMessageContaining("[3]");
    }

    @Test
    @DisplayName("the data: 1,100 entries split 935 / 55 / 110, and the first batch as the notebook prints it")
    void theBooksDataAndFirstBatch() {
        assumeTrue(DataFiles.find(PreferenceData.FILE).isPresent(), () -> "skipped: " + DataFiles.describeSearch(PreferenceData.FILE));
        List<PreferenceEntry> data = PreferenceData.load();
        assertThat(data).hasSize(1100);
        assertThat(data.get(50).rejected()).isEqualTo("The correct spelling is obviously 'Occasion.'");
        var split = PreferenceData.split(data);
        assertThat(split.train()).hasSize(935);
        assertThat(split.validation()).hasSize(55);
        assertThat(split.test()).hasSize(110);

        GPT2Tokenizer tok = GPT2Tokenizer.load();
        var ds = new PreferenceDataset(data.subList(0, 2), tok);
        var b = PreferenceCollate.customCollate(List.of(ds.get(0), ds.get(1)), PreferenceCollate.PAD_TOKEN_ID, 1024, true);
        // the notebook's batch["prompt"][0] and batch["chosen"][0] (cells 43 and 45)
        assertThat(b.prompt().get(0).toLongArray()).startsWith(21106, 318, 281, 12064, 326, 8477, 257, 4876, 13, 19430)
                .endsWith(198, 19503, 521, 14610, 1545).hasSize(48);
        assertThat(b.chosen().shape()).containsExactly(2, 81);
        long[] row0 = b.chosen().select(0, 0).toLongArray();
        assertThat(java.util.Arrays.copyOfRange(row0, 44, 81)).containsExactly(
                19503, 521, 14610, 1545, 198, 198, 21017, 18261, 25, 198, 464, 24993, 286, 262, 1813, 9546, 366, 19503, 521, 1, 318, 11491, 11,
                262, 3376, 24993, 318, 366, 6726, 1911, 50256, 50256, 50256, 50256, 50256, 50256, 50256);
        float[] mask0 = b.chosenMask().select(0, 0).toFloatArray(); // cell 57: 50 False, 24 True, 7 False
        for (int i = 0; i < 81; i++) assertThat(mask0[i]).as("mask " + i).isEqualTo(i >= 50 && i < 74 ? 1f : 0f);
        assertThat(tok.decode(masked(row0, mask0))).isEqualTo("### Response:\nThe spelling of the given phrase \"freind\" is incorrect, the correct spelling is \"friend\".");
    }

    static int[] masked(long[] ids, float[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) if (mask[i] != 0) out.add((int) ids[i]);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    @DisplayName("bad preference data names the entry and the field")
    void badDataIsExplained() {
        assertThatThrownBy(() -> PreferenceData.parse("[]", "p.json")).hasMessageContaining("p.json: the list of preference entries is empty");
        assertThatThrownBy(() -> PreferenceData.parse("[{\"instruction\":\"a\",\"input\":\"\",\"output\":\"o\",\"chosen\":\"c\"}]", "p.json"))
                .hasMessageContaining("p.json: entry 0 has no field \"rejected\"");
        assertThatThrownBy(() -> PreferenceData.parse("[{\"instruction\":\"a\",\"input\":\"\",\"output\":\"o\",\"chosen\":\" \",\"rejected\":\"r\"}]", "p.json"))
                .hasMessageContaining("entry 0, field \"chosen\" is empty");
        assertThatThrownBy(() -> PreferenceData.parse("[{\"instruction\":\"a\",\"input\":3,\"output\":\"o\",\"chosen\":\"c\",\"rejected\":\"r\"}]", "p.json"))
                .hasMessageContaining("entry 0, field \"input\" is not a string");
    }
}

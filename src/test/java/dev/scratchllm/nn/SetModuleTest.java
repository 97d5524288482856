package dev.scratchllm.nn;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Module.setModule (PyTorch's setattr on a child), which chapter 6 and appendix E rely on. */
class SetModuleTest {
    static final GPTConfig SMALL = new GPTConfig(50, 8, 8, 2, 2, 0.0, false);

    @Test
    void replacingTheOutputHeadChangesTheForwardPassAndTheStateDict() {
        manualSeed(1);
        GPTModel model = new GPTModel(SMALL);
        Linear head = new Linear(8, 3);
        Module old = model.setModule("out_head", head);
        assertThat(old).isInstanceOf(Linear.class).isNotSameAs(head);
        assertThat(model.outHead()).isSameAs(head);
        assertThat(model.forward(Tensor.ofLongs(new long[] {1, 2, 3}, 1, 3)).shape()).containsExactly(1, 3, 3);
        assertThat(model.stateDict()).containsKey("out_head.bias");
        assertThat(model.stateDict().keySet()).last().isEqualTo("out_head.bias"); // the head keeps its place in the order
    }

    @Test
    void aLayerInsideASequentialCanBeSwapped() {
        Sequential seq = new Sequential(new Linear(2, 2), new ReLU());
        seq.setModule("1", new GELU());
        assertThat(seq.get(1)).isInstanceOf(GELU.class);
        assertThat(seq.layers()).hasSize(2);
    }

    @Test
    void theNewModuleMustFitTheSlot() {
        GPTModel model = new GPTModel(SMALL);
        assertThatThrownBy(() -> model.setModule("out_head", new ReLU())).hasMessageContaining("GPTModel.out_head must be a Linear, got a ReLU");
        assertThatThrownBy(() -> model.setModule("nope", new ReLU())).hasMessageContaining("has no child module 'nope'");
        assertThatThrownBy(() -> model.setOutHead(new Linear(4, 2))).hasMessageContaining("emb_dim is 8");
        assertThat(model.getSubmodule("trf_blocks.1.att.W_query")).isSameAs(model.trfBlock(1).att().wQuery());
        assertThatThrownBy(() -> model.getSubmodule("trf_blocks.7")).hasMessageContaining("has no attribute `7`");
    }

    @Test
    void requiresGradFreezesAndUnfreezesEveryParameter() {
        GPTModel model = new GPTModel(SMALL);
        model.requiresGrad(false);
        assertThat(model.numTrainableParameters()).isZero();
        model.finalNorm().requiresGrad(true);
        assertThat(model.numTrainableParameters()).isEqualTo(16);
    }
}

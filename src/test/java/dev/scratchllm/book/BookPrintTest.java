// The last book outputs ScratchLLM printed differently, against PyTorch's own printing
// (src/test/resources/fixtures/book_print.json, written by scripts/make_book_print_fixtures.py):
// int64 matmul (appendix A), bincount with minlength (chapter 5's print_sampled_tokens), and the
// book's modules without extra_repr (chapters 3 and 4).
package dev.scratchllm.book;

import dev.scratchllm.attention.CausalAttention;
import dev.scratchllm.attention.MultiHeadAttention;
import dev.scratchllm.attention.SelfAttentionV1;
import dev.scratchllm.io.Json;
import dev.scratchllm.nn.LayerNorm;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.scratchllm.ScratchLLM.arange;
import static dev.scratchllm.ScratchLLM.bincount;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The book's last outputs, printed as PyTorch prints them")
class BookPrintTest {
    static Map<String, Object> expected;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        try (InputStream in = BookPrintTest.class.getResourceAsStream("/fixtures/book_print.json")) {
            Map<String, Object> root = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), "book_print.json");
            expected = (Map<String, Object>) root.get("cases");
        }
    }

    static String torch(String name) {
        return (String) expected.get(name);
    }

    @Test
    @DisplayName("Appendix A: tensor2d.matmul(tensor2d.T) on int64 prints integers")
    void int64Matmul() {
        Tensor t2 = tensor(new long[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(t2.matmul(t2.t()).toString()).isEqualTo(torch("matmul_int64_2d"));
        assertThat(t2.matmul(t2.t()).dtype().torchName()).isEqualTo("torch.int64");
        assertThat(tensor(new long[] {1, -2}).matmul(t2).toString()).isEqualTo(torch("matmul_int64_vec_mat"));
        assertThat(t2.matmul(tensor(new long[] {7, 8, 9})).toString()).isEqualTo(torch("matmul_int64_mat_vec"));
        assertThat(tensor(new long[] {1, 2, 3}).matmul(tensor(new long[] {4, 5, 6})).toString()).isEqualTo(torch("matmul_int64_dot"));
        assertThat(arange(24).reshape(2, 3, 4).matmul(arange(8).reshape(4, 2)).toString()).isEqualTo(torch("matmul_int64_batched"));
        Tensor strided = arange(18).reshape(3, 3, 2).transpose(1, 2).transpose(1, 2);
        assertThat(arange(12).reshape(2, 1, 2, 3).matmul(strided).toString()).isEqualTo(torch("matmul_int64_broadcast"));
        assertThat(tensor(new long[][] {{3_000_000_000L, 1}}).matmul(tensor(new long[][] {{3}, {5}})).toString()).isEqualTo(torch("matmul_int64_big"));
    }

    @Test
    @DisplayName("int64 and float32 operands are refused with both dtypes and shapes, as PyTorch refuses them")
    void mixedDtypes() {
        Tensor t2 = tensor(new long[][] {{1, 2}, {3, 4}});
        assertThatThrownBy(() -> t2.matmul(t2.toFloat())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("torch.int64").hasMessageContaining("torch.float32").hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> t2.matmul(tensor(new long[][] {{1, 2, 3}}))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2x2 and 1x3");
    }

    @Test
    @DisplayName("Chapter 5: torch.bincount(ids, minlength=len(probas)) keeps the words drawn 0 times")
    void bincountMinlength() {
        Tensor ids = tensor(new long[] {3, 0, 3, 7, 3});
        assertThat(bincount(ids).toString()).isEqualTo(torch("bincount"));
        assertThat(bincount(ids, 9).toString()).isEqualTo(torch("bincount_minlength"));
        assertThat(bincount(ids, 2).toString()).isEqualTo(torch("bincount_minlength_small"));
        assertThatThrownBy(() -> bincount(tensor(new long[] {1, -1}))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
    }

    @Test
    @DisplayName("Chapters 3 and 4: the book's modules have no extra_repr, so they print their class and children only")
    void bookModules() {
        assertThat(new LayerNorm(5).toString()).isEqualTo(torch("layer_norm"));
        // Java spells the book's SelfAttention_v1 as SelfAttentionV1
        assertThat(new SelfAttentionV1(3, 2).toString()).isEqualTo(torch("self_attention_v1").replace("SelfAttention_v1", "SelfAttentionV1"));
        assertThat(new CausalAttention(3, 2, 6, 0.0).toString()).isEqualTo(torch("causal_attention"));
        assertThat(new MultiHeadAttention(768, 768, 1024, 0.1, 12, true).toString()).isEqualTo(torch("multi_head_attention"));
    }

    @Test
    @DisplayName("Exercise 4.1: print(TransformerBlock(GPT_CONFIG_124M)) shows the book's submodules")
    void transformerBlock() {
        assertThat(new dev.scratchllm.gpt.TransformerBlock(dev.scratchllm.gpt.GPTConfig.GPT_CONFIG_124M).toString())
                .isEqualTo(torch("transformer_block_124m"));
    }
}

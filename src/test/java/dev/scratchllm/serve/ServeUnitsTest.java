package dev.scratchllm.serve;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's small parts: stop strings, top-p, sampling against the book's generate, chat formats, the queue. */
class ServeUnitsTest {
    @Test
    @DisplayName("StopStrings holds back a possible stop-string prefix and cuts at the first stop")
    void stopStrings() {
        StopStrings s = new StopStrings(List.of("\n\n###", "END"));
        assertThat(s.push("Hello")).isEqualTo("Hello");
        assertThat(s.push(" wor")).isEqualTo(" wor");
        assertThat(s.push("ld\n")).isEqualTo("ld");       // "\n" may start "\n\n###"
        assertThat(s.push("\n#")).isEqualTo("");          // "\n\n#" still may
        assertThat(s.push("x")).isEqualTo("\n\n#x");      // it was not one
        assertThat(s.push(" E")).isEqualTo(" ");
        assertThat(s.push("NDING")).isEqualTo("");        // "END" found: nothing after it
        assertThat(s.stopped()).isTrue();
        assertThat(s.push("more")).isEmpty();
        StopStrings t = new StopStrings(List.of("stop"));
        assertThat(t.push("a st")).isEqualTo("a ");
        assertThat(t.flush()).isEqualTo("st");            // the stream ended without the stop string
        assertThat(new StopStrings(List.of("b", "abc")).push("xabc")).isEqualTo("x"); // the match that starts first wins
    }

    @Test
    @DisplayName("top-p keeps the most likely tokens until their mass reaches p (the crossing one included), at least one")
    void nucleus() {
        float[] p = {0.1f, 0.4f, 0.2f, 0.3f};
        Sampler.nucleus(p, 0.5);
        assertThat(p).containsExactly(0f, 0.4f, 0f, 0.3f);
        float[] q = {0.1f, 0.4f, 0.2f, 0.3f};
        Sampler.nucleus(q, 0.0);
        assertThat(q).containsExactly(0f, 0.4f, 0f, 0f);
        float[] r = {0.25f, 0.25f, 0.25f, 0.25f}; // ties: the lower index first
        Sampler.nucleus(r, 0.5);
        assertThat(r).containsExactly(0.25f, 0.25f, 0f, 0f);
        float[] all = {0.1f, 0.4f, 0.2f, 0.3f};
        Sampler.nucleus(all, 1.0);
        assertThat(all).containsExactly(0.1f, 0.4f, 0.2f, 0.3f);
    }

    @Test
    @DisplayName("Sampler with top_p 1 draws what manualSeed(seed) + the book's generate(temperature, top_k) draws")
    void samplerMatchesBookGenerate() {
        Tensor logits = Tensor.of(new float[] {4.51f, 0.89f, -1.90f, 6.75f, 1.63f, -1.62f, -1.89f, 6.28f, 1.79f}, 1, 9); // the book's next_token_logits
        Generator g = new Generator(123);
        Sampler s = new Sampler(1.4f, 3, 1.0, g);
        ScratchLLM.manualSeed(123);
        for (int i = 0; i < 50; i++) {
            Tensor kept = Tensor.where(logits.lt(logits.topk(3, -1).values().select(1, -1).unsqueeze(1)), Tensor.scalar(Float.NEGATIVE_INFINITY), logits);
            long book = ScratchLLM.multinomial(kept.div(1.4f).softmax(-1), 1).itemLong();
            assertThat(s.applyAsLong(logits)).isEqualTo(book).isIn(0L, 3L, 7L);
        }
        assertThat(new Sampler(0f, null, 1.0, g).applyAsLong(logits)).isEqualTo(3L); // greedy: "forward"'s id in the book's toy vocabulary
    }

    @Test
    @DisplayName("the Alpaca chat format: one user message is format_input + the response header; turns become earlier pairs")
    void alpacaFormat() {
        AlpacaChatFormat f = new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA);
        String one = f.chatPrompt(List.of(new ChatMessage("user", "Rewrite the sentence using a simile.")));
        assertThat(one).isEqualTo(InstructionData.formatInput(new InstructionEntry("Rewrite the sentence using a simile.", "", "")) + "\n\n### Response:\n");
        assertThat(f.chatPrompt(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello."),
                new ChatMessage("user", "Bye")))).isEqualTo("Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello.\n\n### Instruction:\nBye\n\n### Response:\n");
        AlpacaChatFormat phi = new AlpacaChatFormat(InstructionData.PromptStyle.PHI3);
        assertThat(phi.chatPrompt(List.of(new ChatMessage("user", "Hi")))).isEqualTo(InstructionData.formatInputPhi(new InstructionEntry("Hi", "", "")) + "\n<|assistant|>:\n");
        assertThatThrownBy(() -> f.chatPrompt(List.of(new ChatMessage("system", "x")))).hasMessageContaining("no user message");
        assertThat(new TranscriptChatFormat().chatPrompt(List.of(new ChatMessage("user", "Hi")))).isEqualTo("User: Hi\nAssistant:");
    }

    @Test
    @DisplayName("GenerationQueue admits parallel + maxWaiting requests, refuses the next, and frees places on close")
    void queue() throws Exception {
        GenerationQueue q = new GenerationQueue(1, 2);
        var a = q.tryEnter();
        var b = q.tryEnter();
        var c = q.tryEnter();
        assertThat(q.tryEnter()).isNull();
        assertThat(a.awaitTurn(1_000_000_000L)).isTrue();
        assertThat(b.awaitTurn(20_000_000L)).isFalse(); // a holds the only slot
        a.close();
        assertThat(c.awaitTurn(1_000_000_000L)).isTrue();
        b.close();
        c.close();
        assertThat(q.admitted()).isZero();
        assertThat(q.tryEnter()).isNotNull();
    }
}

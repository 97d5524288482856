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
    @DisplayName("request top_p follows Hugging Face's TopPLogitsWarper (infer.Sampler): drop tokens whose ascending cumulative mass is <= 1 - p; top_p 0 keeps the arg-max")
    void topPIsHuggingFaces() {
        // probabilities 0.1, 0.4, 0.2, 0.3 (logits = their logs, temperature 1): ascending cumsum 0.1, 0.3, 0.6, 1.0
        float[] probs = {0.1f, 0.4f, 0.2f, 0.3f};
        Generator g = new Generator(1);
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        dev.scratchllm.infer.Sampler s = new dev.scratchllm.infer.Sampler(4);
        for (int i = 0; i < 400; i++) seen.add(s.sample(logs(probs), 0, SamplingParams.of(1, 1f, null, 0.5, 1f, null, List.of()).sampling(), g, null, 0));
        assertThat(seen).containsExactly(1, 3);              // 1 - 0.5 = 0.5: 0.1 and 0.2 (cumsum 0.1, 0.3) dropped
        seen.clear();
        for (int i = 0; i < 400; i++) seen.add(s.sample(logs(probs), 0, SamplingParams.of(1, 1f, null, 0.75, 1f, null, List.of()).sampling(), g, null, 0));
        assertThat(seen).containsExactly(1, 2, 3);           // 1 - 0.75 = 0.25: only 0.1 is dropped (0.1 + 0.2 = 0.3 is above)
        seen.clear();
        for (int i = 0; i < 200; i++) seen.add(s.sample(logs(probs), 0, SamplingParams.of(1, 1f, null, 0.0, 1f, null, List.of()).sampling(), g, null, 0));
        assertThat(seen).containsExactly(1);
        assertThat(SamplingParams.of(5, 0.7f, null, 1.0, 1f, 9L, List.of("x")).sampling()).isEqualTo(new dev.scratchllm.infer.SamplingParams(0.7f, 0, 1f, 1f));
    }

    private static float[] logs(float[] p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) l[i] = (float) Math.log(p[i]);
        return l;
    }

    @Test
    @DisplayName("the request's sampler (infer.Sampler) with top_p 1 draws what manualSeed(seed) + the book's generate(temperature, top_k) draws")
    void samplerMatchesBookGenerate() {
        Tensor logits = Tensor.of(new float[] {4.51f, 0.89f, -1.90f, 6.75f, 1.63f, -1.62f, -1.89f, 6.28f, 1.79f}, 1, 9); // the book's next_token_logits
        Generator g = new Generator(123);
        dev.scratchllm.infer.Sampler s = new dev.scratchllm.infer.Sampler(9);
        dev.scratchllm.infer.SamplingParams p = SamplingParams.of(1, 1.4f, 3, 1.0, 1f, 123L, List.of()).sampling();
        ScratchLLM.manualSeed(123);
        for (int i = 0; i < 50; i++) {
            Tensor kept = Tensor.where(logits.lt(logits.topk(3, -1).values().select(1, -1).unsqueeze(1)), Tensor.scalar(Float.NEGATIVE_INFINITY), logits);
            long book = ScratchLLM.multinomial(kept.div(1.4f).softmax(-1), 1).itemLong();
            assertThat((long) s.sample(logits.toFloatArray(), 0, p, g, null, 0)).isEqualTo(book).isIn(0L, 3L, 7L);
        }
        assertThat(s.sample(logits.toFloatArray(), 0, dev.scratchllm.infer.SamplingParams.GREEDY, g, null, 0)).isEqualTo(3); // greedy: "forward"'s id in the book's toy vocabulary
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

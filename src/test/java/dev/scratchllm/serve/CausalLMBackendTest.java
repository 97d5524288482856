package dev.scratchllm.serve;

import dev.scratchllm.infer.CausalLM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The backend's generation loop on a scripted CausalLM: stop ids, lengths, the sliding window. */
class CausalLMBackendTest {
    /**
     * A model of 4 ids whose next token is (last token + 1) mod 3 (never 3, the stop id), unless
     * the caller asks it to say 3 after {@code stopAfter} positions; it records what it was fed.
     */
    static final class Counter implements CausalLM {
        final int capacity, stopAfter;
        int length, last;
        final List<String> calls = new ArrayList<>();

        Counter(int capacity, int stopAfter) {
            this.capacity = capacity;
            this.stopAfter = stopAfter;
        }

        @Override
        public int vocabSize() {
            return 4;
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public int maxBatch() {
            return 1;
        }

        @Override
        public int length(int slot) {
            return length;
        }

        @Override
        public void reset(int slot) {
            length = 0;
        }

        private void logits(float[] logits, int off) {
            int next = length >= stopAfter ? 3 : (last + 1) % 3;
            for (int i = 0; i < 4; i++) logits[off + i] = i == next ? 1f : 0f;
        }

        @Override
        public void prefill(int slot, int[] tokens, int off, int len, float[] logits, int lOff) {
            calls.add("prefill " + len);
            length += len;
            last = tokens[off + len - 1];
            logits(logits, lOff);
        }

        @Override
        public void decode(int m, int[] slots, int[] tokens, float[] logits, int lOff) {
            length++;
            last = tokens[0];
            logits(logits, lOff);
        }
    }

    static CausalLMBackend backend(Counter lm) {
        var vocab = new CausalLMBackend.Vocabulary(t -> new int[] {0}, i -> new byte[] {(byte) ('a' + i)}, new int[] {0}, new int[] {3});
        return new CausalLMBackend(new CausalLMBackend.Info("counter", "test", 0, lm.capacity), () -> lm, vocab, new TranscriptChatFormat());
    }

    @Test
    @DisplayName("more new tokens than the first history buffer holds (5,000 > 4,096), greedy: every token, LENGTH")
    void longGenerations() {
        Counter lm = new Counter(100_000, Integer.MAX_VALUE);
        List<Integer> got = new ArrayList<>();
        ModelBackend.Finish f = backend(lm).generate(new int[] {0}, SamplingParams.of(5000, 0f, null, 1.0, 1f, 1L, List.of()), t -> got.add(t));
        assertThat(f).isEqualTo(ModelBackend.Finish.LENGTH);
        assertThat(got).hasSize(5000);
        for (int i = 0; i < got.size(); i++) assertThat(got.get(i)).as("token " + i).isEqualTo((i + 1) % 3);

        // generate --max-new-tokens takes up to Integer.MAX_VALUE: no buffer of that size up front
        List<Integer> few = new ArrayList<>();
        f = backend(new Counter(100, Integer.MAX_VALUE)).generate(new int[] {0}, SamplingParams.of(Integer.MAX_VALUE, 0f, null, 1.0, 1f, 1L, List.of()),
                t -> few.add(t) && few.size() < 10);
        assertThat(f).isEqualTo(ModelBackend.Finish.CALLER);
        assertThat(few).hasSize(10);
    }

    @Test
    @DisplayName("a full slot slides its window (the last capacity tokens prefilled again); a stop id ends with EOS and is not passed on")
    void windowAndStop() {
        Counter lm = new Counter(8, 6);
        List<Integer> got = new ArrayList<>();
        ModelBackend.Finish f = backend(lm).generate(new int[] {0, 1}, SamplingParams.of(20, 0f, null, 1.0, 1f, 1L, List.of()), t -> got.add(t));
        // after the prompt (length 2) come 2, 0, 1, 2 (decoded at lengths 3..5); at length 6 the model says 3: EOS
        assertThat(got).containsExactly(2, 0, 1, 2);
        assertThat(f).isEqualTo(ModelBackend.Finish.EOS);

        Counter small = new Counter(4, Integer.MAX_VALUE);
        List<Integer> more = new ArrayList<>();
        backend(small).generate(new int[] {0, 1}, SamplingParams.of(6, 0f, null, 1.0, 1f, 1L, List.of()), t -> more.add(t));
        assertThat(more).containsExactly(2, 0, 1, 2, 0, 1);
        assertThat(small.calls).as("prefills: the prompt, then the last 4 tokens each time the slot is full")
                .containsExactly("prefill 2", "prefill 4", "prefill 4", "prefill 4");
    }
}

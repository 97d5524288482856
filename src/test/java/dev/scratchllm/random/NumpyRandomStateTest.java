package dev.scratchllm.random;

import dev.scratchllm.io.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** numpy's legacy RandomState against numpy 2.x (fixtures/spam_split.json, written by scripts/make_spam_fixtures.py). */
class NumpyRandomStateTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> numpy() throws IOException {
        try (InputStream in = NumpyRandomStateTest.class.getResourceAsStream("/fixtures/spam_split.json")) {
            assertThat(in).isNotNull();
            Map<String, Object> all = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return (Map<String, Object>) all.get("numpy");
        }
    }

    @SuppressWarnings("unchecked")
    static long[] longs(Object o) {
        return ((List<Object>) o).stream().mapToLong(x -> (Long) x).toArray();
    }

    static long[] widen(int[] a) {
        return Arrays.stream(a).asLongStream().toArray();
    }

    @Test
    void theSameWordsAsTorchManualSeed() throws IOException {
        NumpyRandomState rs = new NumpyRandomState(123);
        long[] words = new long[5];
        for (int i = 0; i < 5; i++) words[i] = rs.nextUInt32();
        assertThat(words).containsExactly(longs(numpy().get("first_words_seed_123")));
        assertThat(words[0]).isEqualTo(0xb24bcdfeL); // torch.manual_seed(123)'s first word
    }

    @Test
    void permutationsAndChoiceLikeNumpy() throws IOException {
        Map<String, Object> np = numpy();
        assertThat(widen(new NumpyRandomState(123).permutation(10))).containsExactly(longs(np.get("permutation_10_seed_123")));
        assertThat(widen(new NumpyRandomState(0).permutation(10))).containsExactly(longs(np.get("permutation_10_seed_0")));
        assertThat(widen(new NumpyRandomState(4294967295L).permutation(37))).containsExactly(longs(np.get("permutation_37_seed_4294967295")));
        assertThat(widen(Arrays.copyOf(new NumpyRandomState(123).choiceWithoutReplacement(4825, 747), 20)))
                .containsExactly(longs(np.get("choice_4825_747_seed_123_first_20")));
    }

    @Test
    void sixtyFourBitBoundedIntegers() throws IOException {
        NumpyRandomState rs = new NumpyRandomState(7);
        long[] got = new long[6];
        for (int i = 0; i < 6; i++) got[i] = rs.randomInterval(1L << 40);
        assertThat(got).containsExactly(longs(numpy().get("randint_0_2pow40_inclusive_seed_7")));
    }

    @Test
    void numpysSeedRangeAndSampleSize() {
        assertThatThrownBy(() -> new NumpyRandomState(-1)).hasMessageContaining("between 0 and 2**32 - 1");
        assertThatThrownBy(() -> new NumpyRandomState(1L << 32)).hasMessageContaining("between 0 and 2**32 - 1");
        assertThatThrownBy(() -> new NumpyRandomState(1).choiceWithoutReplacement(3, 4)).hasMessageContaining("larger sample than population");
        assertThat(new NumpyRandomState(1).randomInterval(0)).isZero();
    }
}

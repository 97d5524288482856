// GPT-2's pre-tokenisation on small inputs, as worked examples of the pattern
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
package dev.scratchllm.tokenizer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GPT2PreTokenizerTest {
    private static List<String> pieces(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int end = GPT2PreTokenizer.nextEnd(s, i, s.length());
            out.add(s.substring(i, end));
            i = end;
        }
        return out;
    }

    @Test
    @DisplayName("words take one leading space; contractions are separate and case-sensitive")
    void wordsAndContractions() {
        assertThat(pieces("Hello, world")).containsExactly("Hello", ",", " world");
        assertThat(pieces("I'm here, it's")).containsExactly("I", "'m", " here", ",", " it", "'s");
        assertThat(pieces("I'M HERE")).containsExactly("I", "'", "M", " HERE");
        assertThat(pieces("we'll they've you're 'd")).containsExactly("we", "'ll", " they", "'ve", " you", "'re", " '", "d");
        assertThat(pieces("!!'s")).containsExactly("!!'", "s");
    }

    @Test
    @DisplayName("letters, numbers and everything else form separate runs")
    void classes() {
        assertThat(pieces("a1b 123 x2")).containsExactly("a", "1", "b", " 123", " x", "2");
        assertThat(pieces("😀😀 😀")).containsExactly("😀😀", " 😀");
        assertThat(pieces("naïve e\u0301")).containsExactly("naïve", " e", "\u0301");
        assertThat(pieces("日本語です")).containsExactly("日本語です");
    }

    @Test
    @DisplayName("a whitespace run gives its last character to the next word: \\s+(?!\\S)")
    void whitespace() {
        assertThat(pieces("a   b")).containsExactly("a", "  ", " b");
        assertThat(pieces("a \n b")).containsExactly("a", " \n", " b");
        assertThat(pieces("x  ")).containsExactly("x", "  ");
        assertThat(pieces("\t\tx")).containsExactly("\t", "\t", "x");
        assertThat(pieces("a\n\nb")).containsExactly("a", "\n", "\n", "b");
        assertThat(pieces("a\u00A0b")).containsExactly("a", "\u00A0", "b"); // no-break space is \s but not " "
    }
}

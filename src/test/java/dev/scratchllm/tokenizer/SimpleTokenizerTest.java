// Edge cases of the book's word-level tokenizers that chapter 2 does not print: Python's whitespace,
// Python's sort order, error messages.
package dev.scratchllm.tokenizer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimpleTokenizerTest {
    @Test
    @DisplayName("split keeps -- but not a lone -, and treats every Python whitespace as a separator")
    void splitEdgeCases() {
        assertThat(SimpleVocab.split("a---b")).containsExactly("a", "--", "-b");
        assertThat(SimpleVocab.split("well-known")).containsExactly("well-known");
        assertThat(SimpleVocab.split("a\tb\u00A0c\u3000d\u001Ce\u2028f")).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(SimpleVocab.split("\u200Bzero-width")).containsExactly("\u200Bzero-width"); // not whitespace in Python either
        assertThat(SimpleVocab.split("(x_y): 'z';")).containsExactly("(", "x", "_", "y", ")", ":", "'", "z", "'", ";");
        assertThat(SimpleVocab.split("   ")).isEmpty();
        assertThat(SimpleVocab.split("")).isEmpty();
    }

    @Test
    @DisplayName("the vocabulary is sorted by code point, as Python's sorted() does")
    void codePointOrder() {
        // U+FF5E (BMP, above the surrogates) sorts before U+1F600 in Python; Java's compareTo says the opposite
        Map<String, Integer> vocab = SimpleVocab.buildVocab(List.of("😀", "～", "b", "a", "B", "a"), false);
        assertThat(vocab.keySet()).containsExactly("B", "a", "b", "～", "😀");
        assertThat(vocab.values()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    @DisplayName("special tokens are appended even if the text contains them, like list.extend in the book")
    void specialTokensAppended() {
        Map<String, Integer> vocab = SimpleVocab.buildVocab("x <|unk|>", true);
        // sorted: [<|unk|>, x]; extended: [<|unk|>, x, <|endoftext|>, <|unk|>]; the dict keeps the first
        // position of <|unk|> and its last id, so ids are 1..3 and id 0 is unused
        assertThat(vocab.keySet()).containsExactly("<|unk|>", "x", "<|endoftext|>");
        assertThat(vocab.values()).containsExactly(3, 1, 2);
    }

    @Test
    @DisplayName("decode removes the space before punctuation: V1 not before : and ;, V2 also before them")
    void decodePunctuation() {
        Map<String, Integer> vocab = SimpleVocab.buildVocab("a , . : ; ? ! \" ( ) '", true);
        SimpleTokenizerV1 v1 = new SimpleTokenizerV1(vocab);
        SimpleTokenizerV2 v2 = new SimpleTokenizerV2(vocab);
        int[] ids = v1.encode("a, a. a: a; a? a! a\" a( a) a'");
        assertThat(v1.decode(ids)).isEqualTo("a, a. a : a ; a? a! a\" a( a) a'");
        assertThat(v2.decode(ids)).isEqualTo("a, a. a: a; a? a! a\" a( a) a'");
    }

    @Test
    @DisplayName("errors name the operation and the bad input")
    void errors() {
        Map<String, Integer> vocab = SimpleVocab.buildVocab("a b", false);
        SimpleTokenizerV1 v1 = new SimpleTokenizerV1(vocab);
        assertThatThrownBy(() -> v1.encode("a c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SimpleTokenizerV1.encode").hasMessageContaining("\"c\"");
        assertThatThrownBy(() -> v1.decode(new int[] {0, 7})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SimpleTokenizerV1.decode").hasMessageContaining("id 7").hasMessageContaining("position 1");
        assertThatThrownBy(() -> new SimpleTokenizerV2(vocab)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<|unk|>");
        assertThat(new SimpleTokenizerV2(SimpleVocab.buildVocab("a b", true)).encode("a c b")).containsExactly(0, 3, 1);
    }

    @Test
    @DisplayName("Python's isspace and strip")
    void pythonWhitespace() {
        for (int cp : new int[] {' ', '\t', '\n', 0x0B, 0x0C, '\r', 0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}) {
            assertThat(PythonText.isSpace(cp)).as("U+%04X", cp).isTrue();
        }
        for (int cp : new int[] {'a', 0x00, 0x08, 0x0E, 0x7F, 0x180E, 0x200B, 0xFEFF, 0x1F600}) {
            assertThat(PythonText.isSpace(cp)).as("U+%04X", cp).isFalse();
        }
        assertThat(PythonText.strip("\u3000 x y\t\u001F")).isEqualTo("x y");
    }
}

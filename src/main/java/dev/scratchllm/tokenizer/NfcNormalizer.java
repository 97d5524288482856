// Unicode NFC normalisation (Qwen's normalizer) that skips the text that is NFC already.
// It does: cut the text before every character that can neither change under NFC nor combine with
// what precedes it (U+0000..U+02FF and the CJK unified ideographs U+4E00..U+9FFF: combining class 0,
// NFC_Quick_Check=Yes, never the second half of a composition), and run java.text.Normalizer only on
// the stretches between such cuts that hold some other character, with the starter before them.
// NFC of the whole equals the concatenation of NFC of the pieces at such cuts, so the result is
// java.text.Normalizer's; mostly-Latin or Chinese text is returned without copying.
// It does not: implement NFC itself (the JDK's tables do), or other forms.
package dev.scratchllm.tokenizer;

import java.text.Normalizer;

/** NFC with a fast path for text made of characters that are always normalised. */
final class NfcNormalizer {
    private NfcNormalizer() {}

    /** Whether NFC leaves {@code c} alone and never joins it to the character before it. */
    static boolean stable(char c) {
        return c < 0x300 || (c >= 0x4E00 && c <= 0x9FFF);
    }

    /** {@code Normalizer.normalize(s, NFC)}, computed only where it can change something. */
    static String nfc(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && stable(s.charAt(i))) i++;
        if (i == n) return s;
        StringBuilder sb = new StringBuilder(n + 16);
        int copied = 0;
        while (i < n) {
            // s[i] may change or combine; the stable char before it may be the starter it joins
            int from = i > copied ? i - 1 : i;
            int to = i + 1;
            while (to < n && !stable(s.charAt(to))) to++;
            sb.append(s, copied, from);
            sb.append(Normalizer.normalize(s.subSequence(from, to), Normalizer.Form.NFC));
            copied = to;
            i = to;
            while (i < n && stable(s.charAt(i))) i++;
        }
        sb.append(s, copied, n);
        return sb.toString();
    }
}

// Test inputs for tokenizer comparisons: hand-picked hard cases plus seeded random strings.
// It does: build deterministic lists of valid (surrogate-pair-correct) strings.
// It does not: read files or depend on any tokenizer.
package dev.scratchllm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic text samples that stress GPT-2's pre-tokenisation and byte-level merges. */
final class TokenizerCorpus {
    private TokenizerCorpus() {}

    /** Hand-written cases, one concern each. */
    static List<String> handPicked() {
        List<String> c = new ArrayList<>();
        // prose
        c.add("I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was no great surprise to me to hear that, in the height of his glory, he had dropped his painting.");
        c.add("The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX! the quick... brown? fox; (jumps) [over] {the} \"lazy\" dog's tail.");
        // contractions, both cases, curly apostrophes
        c.add("It's I'm you're we've they'll she'd don't can't won't");
        c.add("IT'S I'M YOU'RE WE'VE THEY'LL SHE'D DON'T CAN'T 'S 'T 'RE 'VE 'M 'LL 'D");
        c.add("'s 't 're 've 'm 'll 'd '' ''s 'x 'Ll 'lL rock'n'roll ’s it’s l'été");
        c.add("'"); c.add("'s"); c.add(" 's"); c.add("!!'s"); c.add("'re'"); c.add("''ll");
        // numbers
        c.add("3.14159 2,718 1e-10 0x1F -42 +7 1234567890 ١٢٣ ¼ ½ Ⅻ ²³ 10%");
        c.add("In 2024, 1,000,000 people paid $19.99 (or €18,50) at 09:30.");
        // code
        c.add("public static void main(String[] args) {\n\tSystem.out.println(\"Hello, \" + args[0]);\n}\n");
        c.add("def f(x):\n    return {'a': x ** 2, \"b\": [i for i in range(10)]}  # comment\n\n\n");
        c.add("<html><body class=\"x\">&amp; &lt;tag&gt;</body></html> a->b a=>b a!=b a<=b");
        // whitespace runs
        c.add(" leading space"); c.add("  two leading spaces"); c.add("trailing space "); c.add("trailing spaces   ");
        c.add("   "); c.add(" "); c.add("\n"); c.add("\n\n\n"); c.add("\t"); c.add("\t\t x"); c.add(" \t \n x");
        c.add("a  b   c    d\n\ne\n \nf \n g\t\th \t i\r\nj\r\n\r\nk");
        c.add("line1\nline2\n\n  indented\n\t\ttabbed\n    \n");
        c.add("nbsp\u00A0here ideographic\u3000space line\u2028sep para\u2029sep nel\u0085x thin\u2009space");
        c.add("\u000B\u000C vertical tab and form feed \u001C\u001D\u001E\u001F separators");
        c.add("word \u00A0\u00A0word  \u3000x \u2003\u2003y");
        // emoji, ZWJ sequences, flags, skin tones, variation selectors
        c.add("I ❤️ Java 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇩🇪🇫🇷 🧑🏿‍💻 ☕");
        c.add("😀"); c.add(" 😀"); c.add("a😀b"); c.add("👩‍❤️‍💋‍👨");
        // CJK, other scripts
        c.add("日本語のテキストです。中文文本。한국어 텍스트입니다.");
        c.add("Ελληνικά κείμενο. Русский текст. עברית. العربية. हिन्दी भाषा. ไทย");
        c.add("𠀀𠀁𪚥 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 𐐷𐐷");
        // accented, composed and decomposed, combining marks
        c.add("café naïve résumé Ångström Zoë façade");
        c.add("cafe\u0301 nai\u0308ve A\u030Angstro\u0308m e\u0301\u0301\u0301 Z\u0351\u0352\u0353algo");
        c.add("x\u0300 \u0300 \u0300\u0301 a\u200Db a\u200Bb \uFEFFbom \u00ADsoft");
        // punctuation runs and mixtures
        c.add("...!!!???---___***###@@@ ... !?!? -- — – ‘quoted’ “quoted” «guillemets»");
        c.add("a.b,c;d:e!f?g\"h'i(j)k[l]m{n}o<p>q/r\\s|t`u~v@w#x$y%z^&*_+=");
        c.add("email@example.com https://example.org/path?q=1&r=2#frag C:\\Windows\\System32");
        // long runs (exercise the heap merge)
        c.add("a".repeat(1000));
        c.add(" ".repeat(500) + "x" + " ".repeat(300));
        c.add("\n".repeat(200));
        c.add("-".repeat(777));
        c.add("ab".repeat(400) + " " + "xyz".repeat(300));
        c.add("😀".repeat(100));
        c.add("Supercalifragilisticexpialidocious".repeat(20));
        c.add("");
        return c;
    }

    /** {@code count} random strings from a seeded generator, mixing words, scripts, spaces and emoji. */
    static List<String> random(long seed, int count) {
        Random rnd = new Random(seed);
        String[] words = {"the", "The", "THE", " of", "and", "'s", "'S", "'ll", "’", "don't", "DON'T", "Gisburn", "tea", "42",
                "3.14", "€", "😀", "👨‍👩‍👧", "日本", "中文", "한국", "é", "e\u0301", "\u00A0", "\u3000", "\t", "\n", "\r\n", "  ", " ", "--", "...",
                "<|", "|>", "endoftext", "<|endoftext", "Ġ", "Ċ", "\uFFFD", "🇫🇷", "𝔘", "١", "Ⅻ"};
        int[][] ranges = {
                {0x20, 0x7E}, {0x20, 0x7E}, {0x20, 0x7E}, // ASCII printable, often
                {0x09, 0x0D}, {0x1C, 0x20},               // control whitespace
                {0xA0, 0x24F},                            // Latin-1 and Latin extended
                {0x300, 0x36F},                           // combining marks
                {0x370, 0x52F}, {0x590, 0x6FF}, {0x900, 0x97F}, {0xE00, 0xE7F},
                {0x2000, 0x206F},                         // general punctuation incl. odd spaces
                {0x2100, 0x2BFF},                         // symbols, arrows, number forms
                {0x3000, 0x30FF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3},
                {0xE000, 0xFFFD},                         // private use, compatibility, specials
                {0x10000, 0x1FFFF}, {0x1F300, 0x1FAFF},   // supplementary: scripts, emoji
                {0x20000, 0x3134F}, {0xE0000, 0xE01EF}, {0x10FF00, 0x10FFFF}
        };
        List<String> out = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 200 : 24);
            for (int i = 0; i < len; i++) {
                int mode = rnd.nextInt(4);
                if (mode == 0) {
                    sb.append(words[rnd.nextInt(words.length)]);
                } else {
                    int[] r = ranges[rnd.nextInt(ranges.length)];
                    int cp = r[0] + rnd.nextInt(r[1] - r[0] + 1);
                    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
                    sb.appendCodePoint(cp);
                }
            }
            out.add(sb.toString());
        }
        return out;
    }
}

// JMH: GPT-2 encode throughput, ours (GPT2Tokenizer) against JTokkit's r50k_base encodeOrdinary.
// It does: encode a fixed corpus (the-verdict repeated to ~2 MB, or a built ~2 MB mixed text)
// single-threaded; the "bytes" counter is UTF-8 bytes encoded per second (divide by 1e6 for MB/s).
// It does not: measure loading, decoding, or multi-threaded use.
package dev.scratchllm.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code mvn -q test-compile exec:exec@bench -Djmh.args="TokenizerBench -f 1 -wi 3 -i 5"}.
 * Read the {@code bytes} secondary result (bytes/s) for MB/s; the primary score is corpora per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class TokenizerBench {
    /** "verdict": the-verdict.txt repeated (needs SCRATCHLLM_DATA); "mixed": prose, code, numbers, Unicode, emoji. */
    @Param({"verdict", "mixed"})
    public String corpus;

    private String text;
    private int bytes;
    private GPT2Tokenizer ours;
    private Encoding jtokkit;

    /** Counts the UTF-8 bytes encoded; JMH reports it per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        String base = corpus.equals("verdict") ? DataFiles.readString("the-verdict.txt") : mixed(200_000);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 2_000_000) sb.append(base).append('\n');
        text = sb.toString();
        bytes = text.getBytes(StandardCharsets.UTF_8).length;
        ours = GPT2Tokenizer.load();
        jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        int[] a = ours.encodeOrdinary(text);
        int[] b = jtokkit.encodeOrdinary(text).toArray();
        if (!java.util.Arrays.equals(a, b)) throw new IllegalStateException("TokenizerBench: ours and JTokkit disagree on the " + corpus + " corpus");
        System.out.printf("%n[TokenizerBench] corpus %s: %,d chars, %,d UTF-8 bytes, %,d tokens%n", corpus, text.length(), bytes, a.length);
    }

    @Benchmark
    public int[] ours(Bytes counter) {
        counter.bytes += bytes;
        return ours.encodeOrdinary(text);
    }

    @Benchmark
    public int[] jtokkit(Bytes counter) {
        counter.bytes += bytes;
        return jtokkit.encodeOrdinary(text).toArray();
    }

    /** A deterministic mixed text of about {@code chars} characters. */
    static String mixed(int chars) {
        String[] pieces = {
            "The quick brown fox jumps over the lazy dog. ", "It's a truth universally acknowledged, ", "they'll say ",
            "public static int[] encode(String text) {\n    return ids;\n}\n", "for (int i = 0; i < n; i++) sum += a[i] * b[i];\n",
            "In 2024, 1,234,567 tokens cost $0.02 (≈ €0.018). ", "3.14159265358979 ", "café naïve résumé ", "日本語のテキスト。",
            "中文文本，", "한국어 문장입니다. ", "Ελληνικά ", "Русский текст ", "😀👍🏽 ", "👨‍👩‍👧‍👦 ", "\n\n", "    ", "\t", " -- ", "...",
            "\"quoted\" (parenthesised) [bracketed] ", "https://example.org/a/b?c=d&e=f ", "ALL CAPS SHOUTING! ", "x".repeat(40) + " "
        };
        Random rnd = new Random(42);
        StringBuilder sb = new StringBuilder(chars + 100);
        while (sb.length() < chars) sb.append(pieces[rnd.nextInt(pieces.length)]);
        return sb.toString();
    }
}

import dev.scratchllm.llama.Llama3Tokenizer;
import dev.scratchllm.qwen.Qwen3Tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times loading and encoding with the Llama 3 and Qwen3 tokenizers (MB/s of UTF-8 input), to set
 * next to scripts/llama-qwen-tokenizers/make_fixtures.mjs --bench FILE on the same file.
 * Encodes like the reference: added/special tokens in the text are recognised.
 *
 * Run from the repository root after "mvn -q compile":
 *   java -cp target/classes scripts/TokenizerSpeed.java TEXT_FILE LLAMA3_TOKENIZER_FILE_OR_FOLDER
 */
public class TokenizerSpeed {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        long t0 = System.nanoTime();
        Qwen3Tokenizer qwen = Qwen3Tokenizer.load();
        long t1 = System.nanoTime();
        Llama3Tokenizer llama = Llama3Tokenizer.load(Path.of(args[1]));
        long t2 = System.nanoTime();
        System.out.printf("load: qwen3 (bundled tokenizer.json.gz) %.2f s, llama3 (%s) %.2f s%n", (t1 - t0) / 1e9, args[1], (t2 - t1) / 1e9);
        for (int w = 0; w < 3; w++) {
            llama.encodeWithSpecialTokens(text);
            qwen.encode(text);
        }
        int runs = 7;
        double[] tl = new double[runs];
        double[] tq = new double[runs];
        int nl = 0;
        int nq = 0;
        for (int r = 0; r < runs; r++) {
            // alternate the order between runs
            for (int k = 0; k < 2; k++) {
                boolean doLlama = (r + k) % 2 == 0;
                long s = System.nanoTime();
                int n = doLlama ? llama.encodeWithSpecialTokens(text).length : qwen.encode(text).length;
                double dt = (System.nanoTime() - s) / 1e9;
                if (doLlama) { tl[r] = dt; nl = n; } else { tq[r] = dt; nq = n; }
            }
        }
        Arrays.sort(tl);
        Arrays.sort(tq);
        System.out.printf("llama3: %.3f MB, %d tokens, median %.3f s = %.2f MB/s%n", mb, nl, tl[runs / 2], mb / tl[runs / 2]);
        System.out.printf("qwen3:  %.3f MB, %d tokens, median %.3f s = %.2f MB/s%n", mb, nq, tq[runs / 2], mb / tq[runs / 2]);
    }
}

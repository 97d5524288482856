package dev.scratchllm.bench;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.GPTDatasetV1;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.infer.Decoding;
import dev.scratchllm.infer.GPTInference;
import dev.scratchllm.infer.SamplingParams;
import dev.scratchllm.infer.WeightFormat;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.Training;

import java.util.Arrays;
import java.util.Locale;

/**
 * What bfloat16 and Q8_0 weights cost in accuracy: a small GPT (vocab 50257, context 64, emb 128,
 * 4 heads, 2 layers; the 124M model takes too long to train on two cores) is pretrained on
 * the-verdict's first 90 % as in chapter 5 (AdamW, lr 1e-3, weight decay 0.1, batch 2, seed
 * 123), then the validation split's perplexity is computed with the book's forward pass and with
 * the inference path in each format (teacher forcing through the decode kernels: each window's
 * first token as a prompt, every later token one decode step), and greedy continuations of 32
 * tokens from each validation window's first 16 tokens are compared with float32's.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx4g -cp … dev.scratchllm.bench.QuantAccuracy [epochs]}
 * with {@code SCRATCHLLM_DATA} pointing at the directory holding the-verdict.txt.
 */
public final class QuantAccuracy {
    static final int CTX = 64;

    private QuantAccuracy() {
    }

    /**
     * Trains, evaluates and prints the table.
     *
     * @param args optional: the number of epochs (default 8)
     */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        String text = DataFiles.readString("the-verdict.txt");
        int split = (int) (0.90 * text.length());
        ScratchLLM.manualSeed(123);
        DataLoader<Tensor[], Tensor[]> train = GPTDatasetV1.createDataloaderV1(text.substring(0, split), 2, CTX, CTX, true, true);
        GPTModel model = new GPTModel(new GPTConfig(50257, CTX, 128, 4, 2, 0.1, false));
        AdamW opt = new AdamW(model.parameters(), 1e-3, 0.1);
        long t0 = System.nanoTime();
        for (int ep = 0; ep < epochs; ep++) {
            model.train();
            double sum = 0;
            int n = 0;
            for (Tensor[] b : train) {
                opt.zeroGrad();
                Tensor loss = Training.calcLossBatch(b[0], b[1], model);
                loss.backward();
                opt.step();
                sum += loss.item();
                n++;
            }
            System.out.printf(Locale.ROOT, "epoch %d: train loss %.3f (%.0f s)%n", ep + 1, sum / n, (System.nanoTime() - t0) / 1e9);
        }
        model.eval();
        int[] val = GPT2Tokenizer.load().encode(text.substring(split));
        int windows = (val.length - 1) / CTX;
        System.out.printf(Locale.ROOT, "validation: %d tokens, %d windows of %d%n", val.length, windows, CTX);

        double bookNll = 0;
        int count = 0;
        for (int w = 0; w < windows; w++) {
            long[] in = new long[CTX];
            for (int i = 0; i < CTX; i++) in[i] = val[w * CTX + i];
            float[] logits;
            try (var g = GradMode.noGrad()) {
                logits = model.forward(Tensor.ofLongs(in, 1, CTX)).contiguousData(); // (1, CTX, V)
            }
            for (int i = 0; i < CTX; i++) {
                bookNll += nll(logits, i * 50257, 50257, val[w * CTX + i + 1]);
                count++;
            }
        }
        System.out.printf(Locale.ROOT, "book forward (float32): perplexity %.4f (mean NLL %.5f)%n", Math.exp(bookNll / count), bookNll / count);

        int[][] greedyF32 = null;
        for (WeightFormat f : WeightFormat.values()) {
            GPTInference inf = new GPTInference(model, f, 1, CTX);
            float[] logits = new float[inf.vocabSize()];
            double nllSum = 0;
            for (int w = 0; w < windows; w++) {
                int base = w * CTX;
                inf.reset(0);
                inf.prefill(0, val, base, 1, logits, 0);
                nllSum += nll(logits, 0, logits.length, val[base + 1]);
                for (int i = 1; i < CTX; i++) {
                    inf.decode(1, new int[] {0}, new int[] {val[base + i]}, logits, 0);
                    nllSum += nll(logits, 0, logits.length, val[base + i + 1]);
                }
            }
            Decoding dec = new Decoding(inf);
            int[][] greedy = new int[windows][];
            for (int w = 0; w < windows; w++)
                greedy[w] = dec.generate(Arrays.copyOfRange(val, w * CTX, w * CTX + 16), 32, SamplingParams.GREEDY, null, null);
            if (f == WeightFormat.F32) greedyF32 = greedy;
            int same = 0, total = 0, firstDiffSum = 0, identical = 0;
            for (int w = 0; w < windows; w++) {
                int first = 32;
                for (int i = 16; i < 48; i++) {
                    if (greedy[w][i] == greedyF32[w][i]) same++;
                    else if (first == 32) first = i - 16;
                    total++;
                }
                firstDiffSum += first;
                if (first == 32) identical++;
            }
            System.out.printf(Locale.ROOT, "%-5s %7.1f MB/token: perplexity %.4f (%+.3f %%), greedy tokens equal to float32's %.1f %%, "
                            + "identical continuations %d/%d, mean first difference at token %.1f%n",
                    f, inf.weightBytesPerToken() / 1e6, Math.exp(nllSum / count),
                    100 * (Math.exp(nllSum / count) / Math.exp(bookNll / count) - 1), 100.0 * same / total, identical, windows,
                    (double) firstDiffSum / windows);
        }
    }

    /** −log softmax(logits)[target], in double. */
    static double nll(float[] logits, int off, int n, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[off + i]);
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.exp(logits[off + i] - max);
        return max + Math.log(s) - logits[off + target];
    }
}

package dev.scratchllm.attention;

import dev.scratchllm.tensor.Tensor;

/**
 * Rotary position embeddings as the Llama 3.2 and Qwen3 references write them (the
 * "split-halves" layout that Hugging Face also uses): {@link #computeRopeParams} makes the
 * cosine and sine tables, {@link #applyRope} rotates queries or keys with them. Llama 3.1/3.2's
 * frequency scaling (factor, low/high frequency factors, original context length) is applied
 * when a {@link FreqConfig} is given; Qwen3 passes none and only a different theta.
 *
 * <p>The tables are computed in float32 step by step as PyTorch computes them from the
 * reference's formulas (each operation rounded to float), so they agree with PyTorch's to the
 * last bit or two. It does not do the interleaved (even/odd) layout of the original paper.
 */
public final class RoPE {
    private RoPE() {
    }

    /**
     * Llama 3.1/3.2's RoPE frequency scaling (the reference's {@code rope_freq} dictionary).
     *
     * @param factor how much low frequencies are slowed down ({@code factor}, 32 for Llama 3.2)
     * @param lowFreqFactor {@code low_freq_factor}
     * @param highFreqFactor {@code high_freq_factor}
     * @param originalContextLength {@code original_context_length} (8192 for Llama 3.2)
     */
    public record FreqConfig(double factor, double lowFreqFactor, double highFreqFactor, int originalContextLength) {
        /** Validates the values. */
        public FreqConfig {
            if (!(factor > 0) || !(highFreqFactor > lowFreqFactor) || originalContextLength < 1)
                throw new IllegalArgumentException("RoPE.FreqConfig: need factor > 0, high_freq_factor > low_freq_factor and a positive "
                        + "original_context_length, got " + factor + ", " + lowFreqFactor + ", " + highFreqFactor + ", " + originalContextLength);
        }
    }

    /**
     * The tables {@code cos} and {@code sin}, each {@code (context_length, head_dim)}.
     *
     * @param cos the cosines of the angles
     * @param sin the sines of the angles
     */
    public record Params(Tensor cos, Tensor sin) {
    }

    /**
     * The inverse frequencies {@code 1 / theta^(2i / head_dim)} for {@code i < head_dim/2}, with
     * Llama 3's smoothing when {@code freqConfig} is not null.
     *
     * @param headDim the head size, even
     * @param thetaBase the RoPE base ("theta")
     * @param freqConfig the frequency scaling, or null for none
     * @return {@code head_dim / 2} inverse frequencies
     * @throws IllegalArgumentException if {@code headDim} is not positive and even
     */
    public static float[] inverseFrequencies(int headDim, double thetaBase, FreqConfig freqConfig) {
        if (headDim < 2 || headDim % 2 != 0) throw new IllegalArgumentException("RoPE: head_dim must be positive and even, got " + headDim);
        int half = headDim / 2;
        float theta = (float) thetaBase;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;    // arange(0, head_dim, 2).float() / head_dim
            float p = (float) Math.pow(theta, exponent);            // theta_base ** (…)
            inv[i] = 1f / p;                                        // 1.0 / (…)
        }
        if (freqConfig == null) return inv;
        float orig = freqConfig.originalContextLength();
        float low = (float) freqConfig.lowFreqFactor(), high = (float) freqConfig.highFreqFactor(), factor = (float) freqConfig.factor();
        double lowFreqWavelen = freqConfig.originalContextLength() / freqConfig.lowFreqFactor();
        double highFreqWavelen = freqConfig.originalContextLength() / freqConfig.highFreqFactor();
        float twoPi = (float) (2 * Math.PI);
        for (int i = 0; i < half; i++) {
            float f = inv[i];
            float wavelen = (1f / f) * twoPi;                              // 2 * pi / inv_freq
            float scaled = f / factor;                                     // inv_freq / factor
            float smooth = ((1f / wavelen) * orig - low) / (high - low);   // (orig / wavelen - low) / (high - low)
            float smoothed = (1f - smooth) * scaled + smooth * f;
            boolean medium = wavelen <= lowFreqWavelen && wavelen >= highFreqWavelen;
            if (medium) inv[i] = smoothed;
            else if (wavelen > lowFreqWavelen) inv[i] = scaled;           // low frequencies: slowed down
            // high frequencies (short wavelengths) stay as they are
        }
        return inv;
    }

    /**
     * The reference's {@code compute_rope_params(head_dim, theta_base, context_length, freq_config)}:
     * angles {@code position · inv_freq}, repeated for both halves of the head, and their cosine
     * and sine.
     *
     * @param headDim the head size, even
     * @param thetaBase the RoPE base ("theta"): 500,000 for Llama 3.2, 1,000,000 for Qwen3
     * @param contextLength the number of positions to tabulate
     * @param freqConfig Llama 3's frequency scaling, or null (Qwen3)
     * @return the tables, each {@code (context_length, head_dim)}
     * @throws IllegalArgumentException if {@code headDim} is not positive and even or the length is negative
     */
    public static Params computeRopeParams(int headDim, double thetaBase, int contextLength, FreqConfig freqConfig) {
        if (contextLength < 0) throw new IllegalArgumentException("RoPE: context_length must be non-negative, got " + contextLength);
        float[] inv = inverseFrequencies(headDim, thetaBase, freqConfig);
        int half = headDim / 2;
        float[] cos = new float[contextLength * headDim], sin = new float[contextLength * headDim];
        for (int p = 0; p < contextLength; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * inv[i];   // positions[:, None] * inv_freq[None, :], in float
                float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                int o = p * headDim + i;
                cos[o] = c;
                cos[o + half] = c;                  // torch.cat([angles, angles], dim=1)
                sin[o] = s;
                sin[o + half] = s;
            }
        }
        return new Params(Tensor.of(cos, contextLength, headDim), Tensor.of(sin, contextLength, headDim));
    }

    /**
     * The reference's {@code apply_rope(x, cos, sin, offset)}: with {@code x1}, {@code x2} the two
     * halves of each head, {@code x * cos + cat(-x2, x1) * sin}, using rows
     * {@code offset .. offset + seq_len - 1} of the tables (the positions of the tokens in
     * {@code x}). Differentiable in {@code x}.
     *
     * @param x queries or keys, shape {@code (b, heads, seq_len, head_dim)}
     * @param cos the cosine table from {@link #computeRopeParams}
     * @param sin the sine table
     * @param offset the position of {@code x}'s first token (0 without a KV cache)
     * @return the rotated tensor, the shape of {@code x}
     * @throws IllegalArgumentException if the shapes do not fit or the positions exceed the tables
     */
    public static Tensor applyRope(Tensor x, Tensor cos, Tensor sin, int offset) {
        if (x.dim() != 4)
            throw new IllegalArgumentException("apply_rope: expected x of shape (b, heads, seq_len, head_dim), got " + java.util.Arrays.toString(x.shape()));
        int seqLen = x.size(2), headDim = x.size(3);
        if (headDim % 2 != 0) throw new IllegalArgumentException("apply_rope: head_dim must be even, got " + headDim);
        if (cos.dim() != 2 || cos.size(1) != headDim || !java.util.Arrays.equals(cos.shape(), sin.shape()))
            throw new IllegalArgumentException("apply_rope: tables cos " + java.util.Arrays.toString(cos.shape()) + " / sin "
                    + java.util.Arrays.toString(sin.shape()) + " do not fit head_dim " + headDim);
        if (offset < 0 || offset + seqLen > cos.size(0))
            throw new IllegalArgumentException("apply_rope: positions " + offset + ".." + (offset + seqLen - 1) + " exceed the "
                    + cos.size(0) + " tabulated positions (context_length)");
        int half = headDim / 2;
        Tensor x1 = x.narrow(3, 0, half);    // (b, heads, seq_len, head_dim/2), first half
        Tensor x2 = x.narrow(3, half, half); // second half
        Tensor c = cos.narrow(0, offset, seqLen); // (seq_len, head_dim), broadcast over b and heads
        Tensor s = sin.narrow(0, offset, seqLen);
        Tensor rotated = Tensor.cat(java.util.List.of(x2.neg(), x1), 3); // (b, heads, seq_len, head_dim)
        return x.mul(c).add(rotated.mul(s));
    }

    /**
     * {@link #applyRope(Tensor, Tensor, Tensor, int)} from position 0.
     *
     * @param x queries or keys, shape {@code (b, heads, seq_len, head_dim)}
     * @param cos the cosine table
     * @param sin the sine table
     * @return the rotated tensor
     */
    public static Tensor applyRope(Tensor x, Tensor cos, Tensor sin) {
        return applyRope(x, cos, sin, 0);
    }
}

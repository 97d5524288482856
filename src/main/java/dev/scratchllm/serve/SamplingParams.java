/*
 * SamplingParams: the settings of one request, after validation, in one form for both APIs
 * (OpenAI's max_tokens/temperature/top_p/stop/seed, Ollama's options): how many tokens, the seed,
 * the stop strings, and how each token is picked, which is infer.SamplingParams (the one sampling
 * specification of the library, applied by infer.Sampler). It does not validate the request's
 * fields: the API classes do, and answer 400 naming the field.
 */
package dev.scratchllm.serve;

import java.util.List;

/**
 * Decoding settings of one request.
 *
 * @param maxTokens the most new tokens (at least 1)
 * @param sampling how each token is picked (temperature, top-k, top-p, repetition penalty)
 * @param seed the sampling seed, or null for a random one
 * @param stop strings that end the reply (not included in it)
 */
public record SamplingParams(int maxTokens, dev.scratchllm.infer.SamplingParams sampling, Long seed, List<String> stop) {
    /**
     * Copies the stop list.
     *
     * @param maxTokens the most new tokens
     * @param sampling the token choice
     * @param seed the seed, or null
     * @param stop the stop strings
     */
    public SamplingParams {
        stop = List.copyOf(stop);
    }

    /**
     * Settings from the APIs' fields.
     *
     * @param maxTokens the most new tokens
     * @param temperature 0 for greedy decoding, above 0 to sample
     * @param topK keep the k most likely tokens only, or null for all
     * @param topP nucleus mass in [0, 1] (1 for all; 0 keeps only the most likely token)
     * @param repetitionPenalty the CTRL repetition penalty, 1 for none
     * @param seed the seed, or null
     * @param stop the stop strings
     * @return the settings
     */
    public static SamplingParams of(int maxTokens, float temperature, Integer topK, double topP, float repetitionPenalty, Long seed, List<String> stop) {
        // top_p 0 is allowed by both APIs and means "the most likely token only": the smallest
        // positive mass gives exactly that under Hugging Face's rule
        float p = topP <= 0 ? Float.MIN_VALUE : (float) Math.min(1.0, topP);
        return new SamplingParams(maxTokens, new dev.scratchllm.infer.SamplingParams(temperature, topK == null ? 0 : topK, p, repetitionPenalty),
                seed, stop);
    }

    /**
     * The same settings with more stop strings (a chat format's turn markers).
     *
     * @param more the strings to add
     * @return the new settings
     */
    public SamplingParams withMoreStops(List<String> more) {
        if (more.isEmpty()) return this;
        List<String> all = new java.util.ArrayList<>(stop);
        for (String s : more) if (!all.contains(s)) all.add(s);
        return new SamplingParams(maxTokens, sampling, seed, all);
    }
}

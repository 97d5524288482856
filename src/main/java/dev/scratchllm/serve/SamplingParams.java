/*
 * SamplingParams: the decoding settings of one request, after validation, in one form for both
 * APIs (OpenAI's max_tokens/temperature/top_p/stop/seed, Ollama's options). It does not validate:
 * the API classes do, and answer 400 naming the field.
 */
package dev.scratchllm.serve;

import java.util.List;

/**
 * Decoding settings of one request.
 *
 * @param maxTokens the most new tokens (at least 1)
 * @param temperature 0 for greedy decoding, above 0 to sample
 * @param topK keep the k most likely tokens only, or null for all
 * @param topP nucleus sampling: keep the most likely tokens whose probabilities reach this sum (1 for all)
 * @param seed the sampling seed, or null for a random one
 * @param stop strings that end the reply (not included in it)
 */
public record SamplingParams(int maxTokens, float temperature, Integer topK, double topP, Long seed, List<String> stop) {
    /**
     * Copies the stop list.
     *
     * @param maxTokens the most new tokens
     * @param temperature the temperature
     * @param topK the top-k cut, or null
     * @param topP the top-p mass
     * @param seed the seed, or null
     * @param stop the stop strings
     */
    public SamplingParams {
        stop = List.copyOf(stop);
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
        return new SamplingParams(maxTokens, temperature, topK, topP, seed, all);
    }
}

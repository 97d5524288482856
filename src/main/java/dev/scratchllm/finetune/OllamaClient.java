/*
 * OllamaClient: section 7.8's evaluation of the fine-tuned model by a larger LLM served by Ollama,
 * as a client of Ollama's REST API: query_model posts {"model", "messages", "options": {"seed":
 * 123, "temperature": 0, "num_ctx": 2048}} to /api/chat and concatenates the streamed
 * "message.content" pieces; generate_model_scores asks for an integer score from 0 to 100 per
 * entry. isRunning() checks that a server answers, so callers can skip with a clear message
 * when none does (the book's check_if_running looks for a process named "ollama").
 *
 * It does not start or install Ollama, pull models, or retry.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.io.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small client of Ollama's {@code /api/chat} endpoint.
 *
 * <pre>{@code
 * OllamaClient ollama = new OllamaClient();                // http://localhost:11434/api/chat
 * if (!ollama.isRunning()) System.out.println(ollama.notRunningMessage());
 * else System.out.println(ollama.queryModel("What do Llamas eat?", "llama3"));
 * }</pre>
 */
public final class OllamaClient {
    /** The book's address: {@code http://localhost:11434/api/chat}. */
    public static final URI DEFAULT_URL = URI.create("http://localhost:11434/api/chat");
    /** The book's judge model. */
    public static final String DEFAULT_MODEL = "llama3";
    /** The longest response read (a guard against a misbehaving server). */
    public static final long MAX_RESPONSE_CHARS = 16L << 20;

    private final URI chatUrl;
    private final HttpClient client;
    private final Duration timeout;

    /** A client of {@link #DEFAULT_URL}. */
    public OllamaClient() {
        this(DEFAULT_URL, Duration.ofMinutes(5));
    }

    /**
     * A client of another chat endpoint (for example a server on another port).
     *
     * @param timeout the limit for one query
     * @param chatUrl the chat endpoint, e.g. {@code http://localhost:11434/api/chat}
     */
    public OllamaClient(URI chatUrl, Duration timeout) {
        this.chatUrl = chatUrl;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    /**
     * The chat endpoint.
     *
     * @return the URL given to the constructor
     */
    public URI chatUrl() {
        return chatUrl;
    }

    /**
     * Whether a server answers at the endpoint's host and port ({@code GET /}, which Ollama
     * answers with "Ollama is running"), within about three seconds.
     *
     * @return true if the server answered with status 200
     */
    public boolean isRunning() {
        try {
            URI root = chatUrl.resolve("/");
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(root).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * What to tell the user when {@link #isRunning()} is false.
     *
     * @return the message
     */
    public String notRunningMessage() {
        return "Ollama is not running at " + chatUrl.resolve("/") + ": skipping the evaluation with an LLM judge "
                + "(install it from https://ollama.com, run 'ollama serve' and 'ollama pull " + DEFAULT_MODEL + "', then try again)";
    }

    /**
     * {@link #queryModel(String, String)} with {@link #DEFAULT_MODEL}.
     *
     * @param prompt the user message
     * @return the answer
     * @throws IOException if the query fails (see {@link #queryModel(String, String)})
     */
    public String queryModel(String prompt) throws IOException {
        return queryModel(prompt, DEFAULT_MODEL);
    }

    /**
     * The book's {@code query_model(prompt, model)}: one user message, options
     * {@code seed 123, temperature 0, num_ctx 2048} (deterministic answers), the streamed
     * answer's pieces joined.
     *
     * @param prompt the user message
     * @param model the Ollama model's name, e.g. {@code "llama3"}
     * @return the answer
     * @throws IOException if the server cannot be reached, answers with an HTTP error or an
     *     {@code "error"} field, or sends something that is not Ollama's line-delimited JSON
     */
    public String queryModel(String prompt, String model) throws IOException {
        String payload = Json.write(payload(prompt, model));
        HttpRequest req = HttpRequest.newBuilder(chatUrl).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build();
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("query to " + chatUrl + " interrupted", e);
        } catch (IOException e) {
            throw new IOException("cannot reach Ollama at " + chatUrl + " (" + e + "); is 'ollama serve' running?", e);
        }
        StringBuilder answer = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            if (resp.statusCode() != 200) {
                String body = readLimited(in, 2000);
                throw new IOException("Ollama at " + chatUrl + " answered HTTP " + resp.statusCode() + ": " + body.strip());
            }
            long read = 0;
            for (String line; (line = in.readLine()) != null; ) {
                read += line.length();
                if (read > MAX_RESPONSE_CHARS) throw new IOException("Ollama's answer is longer than " + MAX_RESPONSE_CHARS + " characters");
                if (line.isBlank()) continue;
                Map<String, Object> obj;
                try {
                    obj = Json.parseObject(line, "Ollama response line");
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
                if (obj.get("error") instanceof String err) throw new IOException("Ollama error: " + err);
                if (obj.get("message") instanceof Map<?, ?> msg && msg.get("content") instanceof String content) answer.append(content);
                else if (!Boolean.TRUE.equals(obj.get("done")))
                    throw new IOException("Ollama response line without message.content: " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
            }
        }
        return answer.toString();
    }

    private static String readLimited(BufferedReader in, int max) throws IOException {
        char[] buf = new char[max];
        int n = in.read(buf);
        return n <= 0 ? "" : new String(buf, 0, n);
    }

    /** The request body of {@link #queryModel}: {@code {"model", "messages": [{"role": "user", "content"}], "options"}}. */
    static Map<String, Object> payload(String prompt, String model) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "user");
        message.put("content", prompt);
        Map<String, Object> options = new LinkedHashMap<>(); // settings required for deterministic responses
        options.put("seed", 123L);
        options.put("temperature", 0L);
        options.put("num_ctx", 2048L);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("model", model);
        data.put("messages", List.of(message));
        data.put("options", options);
        return data;
    }

    /**
     * The book's scoring prompt: {@code Given the input `{format_input(entry)}` and correct output
     * `{output}`, score the model response `{model_response}` on a scale from 0 to 100, where 100
     * is the best score. Respond with the integer number only.}
     *
     * @param entry an entry with its {@code model_response}
     * @return the prompt
     */
    public static String scoringPrompt(InstructionEntry entry) {
        return "Given the input `" + InstructionData.formatInput(entry) + "` "
                + "and correct output `" + entry.output() + "`, "
                + "score the model response `" + entry.modelResponse() + "`"
                + " on a scale from 0 to 100, where 100 is the best score. "
                + "Respond with the integer number only.";
    }

    /**
     * The book's {@code generate_model_scores(json_data, "model_response", model)}: one score per
     * entry whose answer parses as an integer ({@code int(score)}); other answers are reported
     * on {@code log} ("Could not convert score: ...") and skipped.
     *
     * @param entries entries with their {@code model_response}
     * @param model the Ollama model's name
     * @param log where to report unparsable answers, or null
     * @return the scores, in entry order, unparsable ones left out
     * @throws IOException if a query fails
     * @throws IllegalArgumentException if an entry has no {@code model_response}
     */
    public List<Integer> generateModelScores(List<InstructionEntry> entries, String model, PrintStream log) throws IOException {
        List<Integer> scores = new ArrayList<>();
        for (InstructionEntry e : entries) {
            if (e.modelResponse() == null) throw new IllegalArgumentException("generateModelScores: an entry has no model_response: " + e.instruction());
            String score = queryModel(scoringPrompt(e), model);
            try {
                scores.add(Integer.parseInt(score.strip()));
            } catch (NumberFormatException ex) {
                if (log != null) log.println("Could not convert score: " + score);
            }
        }
        return scores;
    }
}

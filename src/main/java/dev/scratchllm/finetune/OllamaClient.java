/*
 * OllamaClient: section 7.8's evaluation of the fine-tuned model by a larger LLM served by Ollama,
 * as a client of Ollama's REST API: query_model posts {"model", "messages", "options": {"seed":
 * 123, "temperature": 0, "num_ctx": 2048}} to /api/chat and concatenates the streamed
 * "message.content" pieces; generate_model_scores asks for an integer score from 0 to 100 per
 * entry. isRunning() checks that a server answers, so callers can skip with a clear message
 * when none does (the book's check_if_running looks for a process named "ollama").
 *
 * Every exchange has a deadline (isRunning: 3 s in all; a query: the constructor's timeout for the
 * whole answer, headers and body), and a response line is read only up to MAX_LINE_BYTES, so a
 * server that stalls, trickles or sends an endless line fails with a message instead of hanging
 * or filling the heap.
 *
 * It does not start or install Ollama, pull models, or retry.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.io.Json;

import dev.scratchllm.io.DeadlineBody;
import dev.scratchllm.io.NetLimits;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
    /** The longest line of the streamed answer read, in bytes (Ollama's lines are a few hundred bytes). */
    public static final int MAX_LINE_BYTES = 1 << 20;
    /** How long {@link #isRunning()} waits for an answer, in all. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final URI chatUrl;
    private final HttpClient client;
    private final Duration timeout;
    private final Duration probeTimeout;

    /** A client of {@link #DEFAULT_URL}. */
    public OllamaClient() {
        this(DEFAULT_URL, Duration.ofMinutes(5));
    }

    /**
     * A client of another chat endpoint (for example a server on another port).
     *
     * @param timeout the limit for one query, from the request to the answer's last byte
     * @param chatUrl the chat endpoint, e.g. {@code http://localhost:11434/api/chat}
     */
    public OllamaClient(URI chatUrl, Duration timeout) {
        this(chatUrl, timeout, PROBE_TIMEOUT);
    }

    /**
     * A client with its own limit for {@link #isRunning()} (tests use short ones).
     *
     * @param chatUrl the chat endpoint, e.g. {@code http://localhost:11434/api/chat}
     * @param timeout the limit for one query, from the request to the answer's last byte
     * @param probeTimeout the limit for {@link #isRunning()}, in all
     */
    public OllamaClient(URI chatUrl, Duration timeout, Duration probeTimeout) {
        this.chatUrl = chatUrl;
        this.timeout = timeout;
        this.probeTimeout = probeTimeout;
        Duration connect = probeTimeout.compareTo(timeout) < 0 ? probeTimeout : timeout;
        this.client = HttpClient.newBuilder().connectTimeout(connect).build();
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
     * answers with "Ollama is running"), within {@link #PROBE_TIMEOUT} in all: a server that
     * sends its headers and then nothing, or trickles its body, counts as not running.
     *
     * @return true if the server answered with status 200 and its whole (short) body in time
     */
    public boolean isRunning() {
        URI root = chatUrl.resolve("/");
        try {
            HttpResponse<InputStream> r = DeadlineBody.send(client, HttpRequest.newBuilder(root).GET(),
                    NetLimits.of(probeTimeout, probeTimeout), "Ollama at " + root);
            try (InputStream in = r.body()) {
                // read the body to its end, so a server that stalls in it is not taken for a running Ollama
                byte[] buf = new byte[4096];
                long total = 0;
                for (int n; (n = in.read(buf)) >= 0; ) if ((total += n) > MAX_LINE_BYTES) return false;
            }
            return r.statusCode() == 200;
        } catch (IOException e) {
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
     *     {@code "error"} field, or sends something that is not Ollama's line-delimited JSON (a
     *     line longer than {@link #MAX_LINE_BYTES}); an {@code HttpTimeoutException} if the whole
     *     answer has not arrived within the constructor's timeout
     */
    public String queryModel(String prompt, String model) throws IOException {
        String payload = Json.write(payload(prompt, model));
        HttpRequest.Builder req = HttpRequest.newBuilder(chatUrl).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        HttpResponse<InputStream> resp;
        try {
            resp = DeadlineBody.send(client, req, NetLimits.of(Duration.ofSeconds(3), timeout), "Ollama at " + chatUrl);
        } catch (HttpTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot reach Ollama at " + chatUrl + " (" + e + "); is 'ollama serve' running?", e);
        }
        StringBuilder answer = new StringBuilder();
        try (InputStream in = new BufferedInputStream(resp.body())) {
            if (resp.statusCode() != 200) {
                String body = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
                throw new IOException("Ollama at " + chatUrl + " answered HTTP " + resp.statusCode() + ": " + body.strip());
            }
            long read = 0;
            for (String line; (line = readLine(in)) != null; ) {
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

    /**
     * One line of the answer (without its end), or null at the end of the stream; a line longer
     * than {@link #MAX_LINE_BYTES} is refused after that many bytes, not buffered whole. Lines are
     * split on the byte {@code \n}, which never occurs inside a UTF-8 sequence.
     */
    private String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int b; ; ) {
            b = in.read();
            if (b < 0) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            if (b == '\n') break;
            if (line.size() >= MAX_LINE_BYTES)
                throw new IOException("Ollama at " + chatUrl + " sent a response line longer than " + MAX_LINE_BYTES
                        + " bytes (the limit); it is not Ollama's line-delimited JSON");
            line.write(b);
        }
        int n = line.size();
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, n > 0 && bytes[n - 1] == '\r' ? n - 1 : n, StandardCharsets.UTF_8);
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

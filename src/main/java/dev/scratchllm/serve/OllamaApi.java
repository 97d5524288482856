/*
 * OllamaApi: Ollama's REST API as far as a text model can answer it: GET /api/tags, GET
 * /api/version, POST /api/show, POST /api/generate and POST /api/chat, streamed as
 * newline-delimited JSON unless "stream": false, with options temperature, top_k, top_p, seed,
 * num_predict and stop, Ollama's defaults (temperature 0.8, top_k 40, top_p 0.9), and the
 * closing object's counts and durations (nanoseconds).
 *
 * It does not pull, push, copy, delete or create models, keep models loaded (keep_alive is
 * ignored), return the old "context" token list, or read images, tools, "format" or templates
 * sent with a request (each model's own chat format applies).
 */
package dev.scratchllm.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.scratchllm.serve.OpenAiApi.map;

/** The Ollama-compatible endpoints. */
final class OllamaApi {
    /** The Ollama API version this server imitates (for clients that check {@code /api/version}). */
    static final String VERSION = "0.5.0";
    private final ChatServer server;

    OllamaApi(ChatServer server) {
        this.server = server;
    }

    void tags(HttpCall c) throws IOException {
        List<Object> models = new ArrayList<>();
        for (ModelBackend b : server.models()) {
            String name = b.id().contains(":") ? b.id() : b.id() + ":latest";
            models.add(map("name", name, "model", name, "modified_at", Instant.EPOCH.toString(), "size", b.parameterCount() * 4,
                    "digest", digest(b.id()), "details", details(b)));
        }
        c.sendJson(200, map("models", models));
    }

    void version(HttpCall c) throws IOException {
        c.sendJson(200, map("version", VERSION));
    }

    void show(HttpCall c) throws IOException {
        Map<String, Object> req = c.readJsonObject(server.options().maxBodyBytes());
        String name = JsonFields.string(req, "model", "");
        if (name == null) name = JsonFields.string(req, "name", "");
        ModelBackend b = server.model(name);
        c.sendJson(200, map("template", b.chatFormat().name(), "details", details(b),
                "model_info", map("general.architecture", b.family(), "general.parameter_count", b.parameterCount(), b.family() + ".context_length",
                        b.contextLength())));
    }

    private static Map<String, Object> details(ModelBackend b) {
        return map("format", "safetensors", "family", b.family(), "families", List.of(b.family()),
                "parameter_size", String.format(Locale.ROOT, "%.1fM", b.parameterCount() / 1e6), "quantization_level", "F32");
    }

    /** A stable identifier in Ollama's digest format (of the name; there is no model file to hash). */
    private static String digest(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void generate(HttpCall c) throws IOException {
        Map<String, Object> req = c.readJsonObject(server.options().maxBodyBytes());
        ModelBackend b = server.model(JsonFields.string(req, "model", ""));
        String prompt = JsonFields.string(req, "prompt", "");
        String system = JsonFields.string(req, "system", "");
        boolean raw = Boolean.TRUE.equals(JsonFields.bool(req, "raw", ""));
        SamplingParams p = params(req);
        boolean stream = !Boolean.FALSE.equals(JsonFields.bool(req, "stream", ""));
        if (prompt == null || prompt.isEmpty()) { // Ollama answers an empty prompt by loading the model
            c.sendJson(200, map("model", b.id(), "created_at", Instant.now().toString(), "response", "", "done", true, "done_reason", "load"));
            return;
        }
        if (!raw) p = p.withMoreStops(b.chatFormat().stopStrings());
        run(c, b, raw ? server.promptIds(b, prompt) : server.promptIds(b, b.encodeGenerate(system, prompt)), p, stream, false);
    }

    void chat(HttpCall c) throws IOException {
        Map<String, Object> req = c.readJsonObject(server.options().maxBodyBytes());
        ModelBackend b = server.model(JsonFields.string(req, "model", ""));
        List<ChatMessage> messages = JsonFields.messages(req, false);
        SamplingParams p = params(req).withMoreStops(b.chatFormat().stopStrings());
        boolean stream = !Boolean.FALSE.equals(JsonFields.bool(req, "stream", ""));
        if (messages.isEmpty()) {
            c.sendJson(200, map("model", b.id(), "created_at", Instant.now().toString(), "message", map("role", "assistant", "content", ""),
                    "done", true, "done_reason", "load"));
            return;
        }
        int[] ids;
        try {
            ids = b.encodeChat(messages);
        } catch (IllegalArgumentException e) {
            throw ApiError.badField("messages", e.getMessage());
        }
        run(c, b, server.promptIds(b, ids), p, stream, true);
    }

    private SamplingParams params(Map<String, Object> req) {
        Map<String, Object> o = JsonFields.object(req, "options");
        int limit = server.options().maxTokensLimit();
        Long numPredict = JsonFields.integer(o, "num_predict", "options.", -2, limit); // -1: no limit, -2: fill the context
        Double temperature = JsonFields.number(o, "temperature", "options.", 0, 100);
        Long topK = JsonFields.integer(o, "top_k", "options.", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Double topP = JsonFields.number(o, "top_p", "options.", 0, 1);
        Double repeat = JsonFields.number(o, "repeat_penalty", "options.", 0.01, 100); // default 1 (Ollama's is 1.1): the book's draws
        Long seed = JsonFields.integer(o, "seed", "options.", Long.MIN_VALUE, Long.MAX_VALUE);
        List<String> stop = JsonFields.stringOrList(o, "stop", "options.", 16);
        int max = numPredict == null || numPredict < 0 ? Math.min(server.options().defaultMaxTokens(), limit) : numPredict.intValue();
        if (numPredict != null && numPredict == 0) throw ApiError.badField("options.num_predict", "'options.num_predict' must not be 0");
        Integer k = topK == null ? Integer.valueOf(40) : topK <= 0 ? null : Integer.valueOf(topK.intValue()); // top_k ≤ 0 turns it off
        return SamplingParams.of(max, temperature == null ? 0.8f : temperature.floatValue(), k, topP == null ? 0.9 : topP,
                repeat == null ? 1f : repeat.floatValue(), seed, stop);
    }

    private void run(HttpCall c, ModelBackend b, int[] prompt, SamplingParams p, boolean stream, boolean chat) throws IOException {
        if (!stream) {
            Generation.Outcome o = server.execute(c, b, prompt, p, true, () -> { }, piece -> { });
            if (!o.normal()) {
                if (o.finishReason().equals("disconnected")) return;
                throw ChatServer.abnormal(o, server.options());
            }
            Map<String, Object> last = piece(b, o.text(), chat);
            last.putAll(done(o));
            c.sendJson(200, last);
            return;
        }
        Generation.Outcome o = server.execute(c, b, prompt, p, false, () -> c.startStream("application/x-ndjson"),
                piece -> line(c, piece(b, piece, chat)));
        if (o.finishReason().equals("disconnected")) return;
        if (!o.normal()) {
            line(c, map("error", ChatServer.abnormal(o, server.options()).getMessage()));
            return;
        }
        Map<String, Object> last = piece(b, "", chat);
        last.putAll(done(o));
        line(c, last);
    }

    private static Map<String, Object> piece(ModelBackend b, String text, boolean chat) {
        return chat ? map("model", b.id(), "created_at", Instant.now().toString(), "message", map("role", "assistant", "content", text), "done", false)
                : map("model", b.id(), "created_at", Instant.now().toString(), "response", text, "done", false);
    }

    private static Map<String, Object> done(Generation.Outcome o) {
        return map("done", true, "done_reason", o.finishReason(), "total_duration", o.totalNanos(), "load_duration", 0L,
                "prompt_eval_count", o.promptTokens(), "prompt_eval_duration", o.promptNanos(), "eval_count", o.completionTokens(),
                "eval_duration", o.totalNanos() - o.promptNanos());
    }

    private static void line(HttpCall c, Object obj) throws IOException {
        c.write(dev.scratchllm.io.Json.write(obj) + "\n");
    }
}

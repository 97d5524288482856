/*
 * OpenAiApi: OpenAI's HTTP API as far as a text model can answer it: GET /v1/models and
 * /v1/models/{id}, POST /v1/completions and /v1/chat/completions, blocking or streamed as
 * server-sent events ("data: {chunk}" lines, then "data: [DONE]"), with max_tokens (or
 * max_completion_tokens), temperature, top_p, stop, seed, n = 1, stream_options.include_usage,
 * and usage counts.
 *
 * It does not do logprobs, tools, response formats, n > 1 or echo (a request that asks for n > 1
 * is refused with 400; the other unknown fields are ignored, as OpenAI-compatible servers do).
 */
package dev.scratchllm.serve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The OpenAI-compatible endpoints. */
final class OpenAiApi {
    /** OpenAI's default {@code max_tokens} for {@code /v1/completions}. */
    static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;
    private final ChatServer server;

    OpenAiApi(ChatServer server) {
        this.server = server;
    }

    void models(HttpCall c) throws IOException {
        List<Object> data = new ArrayList<>();
        for (ModelBackend b : server.models()) data.add(modelObject(b));
        c.sendJson(200, map("object", "list", "data", data));
    }

    void model(HttpCall c, String id) throws IOException {
        c.sendJson(200, modelObject(server.model(id)));
    }

    private static Map<String, Object> modelObject(ModelBackend b) {
        return map("id", b.id(), "object", "model", "created", 0L, "owned_by", "scratchllm");
    }

    void completions(HttpCall c) throws IOException {
        Map<String, Object> req = c.readJsonObject(server.options().maxBodyBytes());
        ModelBackend b = server.model(JsonFields.string(req, "model", ""));
        String prompt = prompt(req.get("prompt"));
        SamplingParams p = params(req, COMPLETIONS_DEFAULT_MAX_TOKENS);
        run(c, req, b, server.promptIds(b, prompt), p, false);
    }

    void chatCompletions(HttpCall c) throws IOException {
        Map<String, Object> req = c.readJsonObject(server.options().maxBodyBytes());
        ModelBackend b = server.model(JsonFields.string(req, "model", ""));
        List<ChatMessage> messages = JsonFields.messages(req, true);
        int[] prompt;
        try {
            prompt = b.encodeChat(messages);
        } catch (IllegalArgumentException e) {
            throw ApiError.badField("messages", e.getMessage());
        }
        SamplingParams p = params(req, server.options().defaultMaxTokens()).withMoreStops(b.chatFormat().stopStrings());
        run(c, req, b, server.promptIds(b, prompt), p, true);
    }

    private static String prompt(Object v) {
        if (v == null) throw ApiError.badField("prompt", "'prompt' is required");
        if (v instanceof String s) return s;
        if (v instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String s) return s;
        throw ApiError.badField("prompt", "'prompt' must be a string (or an array of one string)");
    }

    private SamplingParams params(Map<String, Object> req, int defaultMax) {
        Long n = JsonFields.integer(req, "n", "", Long.MIN_VALUE, Long.MAX_VALUE);
        if (n != null && n != 1) throw ApiError.badField("n", "'n' must be 1: this server returns one choice per request");
        int limit = server.options().maxTokensLimit();
        Long max = JsonFields.integer(req, "max_completion_tokens", "", 1, limit);
        if (max == null) max = JsonFields.integer(req, "max_tokens", "", 1, limit);
        Double temperature = JsonFields.number(req, "temperature", "", 0, 2);
        Double topP = JsonFields.number(req, "top_p", "", 0, 1);
        Long seed = JsonFields.integer(req, "seed", "", Long.MIN_VALUE, Long.MAX_VALUE);
        List<String> stop = JsonFields.stringOrList(req, "stop", "", 4);
        JsonFields.bool(req, "stream", "");
        return SamplingParams.of(max == null ? Math.min(defaultMax, limit) : max.intValue(), temperature == null ? 1f : temperature.floatValue(), null,
                topP == null ? 1.0 : topP, 1f, seed, stop);
    }

    private void run(HttpCall c, Map<String, Object> req, ModelBackend b, int[] prompt, SamplingParams p, boolean chat) throws IOException {
        boolean stream = Boolean.TRUE.equals(JsonFields.bool(req, "stream", ""));
        boolean includeUsage = Boolean.TRUE.equals(JsonFields.bool(JsonFields.object(req, "stream_options"), "include_usage", "stream_options."));
        String id = (chat ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        long created = System.currentTimeMillis() / 1000;
        String object = chat ? (stream ? "chat.completion.chunk" : "chat.completion") : "text_completion";
        if (!stream) {
            Generation.Outcome o = server.execute(c, b, prompt, p, true, () -> { }, piece -> { });
            if (!o.normal()) {
                if (o.finishReason().equals("disconnected")) return;
                throw ChatServer.abnormal(o, server.options());
            }
            Map<String, Object> choice = chat
                    ? map("index", 0, "message", map("role", "assistant", "content", o.text()), "logprobs", null, "finish_reason", o.finishReason())
                    : map("text", o.text(), "index", 0, "logprobs", null, "finish_reason", o.finishReason());
            c.sendJson(200, map("id", id, "object", object, "created", created, "model", b.id(), "choices", List.of(choice), "usage", usage(o)));
            return;
        }
        Generation.Outcome o = server.execute(c, b, prompt, p, false, () -> {
            c.startStream("text/event-stream; charset=utf-8");
            if (chat) event(c, chunk(id, object, created, b, map("role", "assistant", "content", ""), null, true));
        }, piece -> event(c, chunk(id, object, created, b, piece, null, chat)));
        if (o.finishReason().equals("disconnected")) return;
        if (!o.normal()) {
            ApiError e = ChatServer.abnormal(o, server.options());
            event(c, map("error", map("message", e.getMessage(), "type", e.type(), "param", null, "code", null)));
        } else {
            event(c, chunk(id, object, created, b, chat ? Map.of() : "", o.finishReason(), chat));
            if (includeUsage) event(c, map("id", id, "object", object, "created", created, "model", b.id(), "choices", List.of(), "usage", usage(o)));
        }
        c.write("data: [DONE]\n\n");
    }

    /** One chunk: a chat delta (a map, or a text piece made into {@code {"content": piece}}) or a completion's text. */
    private static Map<String, Object> chunk(String id, String object, long created, ModelBackend b, Object piece, String finish, boolean chat) {
        Map<String, Object> choice = chat
                ? map("index", 0, "delta", piece instanceof String s ? map("content", s) : piece, "logprobs", null, "finish_reason", finish)
                : map("text", piece, "index", 0, "logprobs", null, "finish_reason", finish);
        return map("id", id, "object", object, "created", created, "model", b.id(), "choices", List.of(choice));
    }

    private static void event(HttpCall c, Object data) throws IOException {
        c.write("data: " + dev.scratchllm.io.Json.write(data) + "\n\n");
    }

    private static Map<String, Object> usage(Generation.Outcome o) {
        return map("prompt_tokens", o.promptTokens(), "completion_tokens", o.completionTokens(), "total_tokens", o.promptTokens() + o.completionTokens());
    }

    /** An ordered map of key/value pairs (values may be null, unlike {@link Map#of}). */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}

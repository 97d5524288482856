package dev.scratchllm.serve;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Json;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A tiny randomly initialised GPT (emb 32, 2 layers, context 256, seed 123) behind a server on a free loopback port, for fast tests. */
final class TinyModel {
    static final String NAME = "tiny";
    static final GPTConfig CONFIG = new GPTConfig(50257, 256, 32, 2, 2, 0.0, false);
    private static GPTModel model;

    private TinyModel() {
    }

    static synchronized GPTModel model() {
        if (model == null) {
            ScratchLLM.manualSeed(123);
            model = new GPTModel(CONFIG);
            model.eval();
        }
        return model;
    }

    static Gpt2Backend backend(ChatFormat format) {
        return new Gpt2Backend(NAME, model(), GPT2Tokenizer.load(), format);
    }

    static ServerOptions options() {
        return ServerOptions.defaults().withAddress("127.0.0.1", 0);
    }

    /** A JSON POST; the body as text. */
    static HttpResponse<String> post(HttpClient http, URI base, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(HttpClient http, URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static Map<String, Object> json(String s) {
        return Json.parseObject(s, "response");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}

package dev.scratchllm.serve;

import dev.scratchllm.finetune.InstructionData;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.scratchllm.serve.TinyModel.get;
import static dev.scratchllm.serve.TinyModel.json;
import static dev.scratchllm.serve.TinyModel.obj;
import static dev.scratchllm.serve.TinyModel.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The queue limit, client disconnects, timeouts and graceful shutdown. */
class ChatServerLimitsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A request that would run for thousands of tokens unless something stops it. */
    static final String LONG = "{\"model\":\"tiny\",\"prompt\":\"Once upon a time\",\"max_tokens\":4000,\"temperature\":0,\"stream\":true}";

    static ChatServer start(ServerOptions o, List<String> log) throws Exception {
        return ChatServer.start(o, List.of(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA))), log::add);
    }

    static void awaitIdle(ChatServer s) throws InterruptedException {
        for (int i = 0; i < 1000 && s.admitted() > 0; i++) Thread.sleep(10);
        assertThat(s.admitted()).as("requests still admitted").isZero();
    }

    static String lineWith(List<String> log, String text) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            for (String l : log) if (l.contains(text)) return l;
            Thread.sleep(10);
        }
        throw new AssertionError("no log line with " + text + " in " + log);
    }

    @Test
    @DisplayName("queue full: with 1 running and 1 waiting, the next request gets 429 (OpenAI) or 503 (Ollama) at once; a hung-up client frees its slot")
    void queueLimitAndDisconnect() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ChatServer s = start(TinyModel.options().withQueue(1, 1), log)) {
            RawClient a = new RawClient(s.uri(), "/v1/completions", LONG);
            assertThat(a.readUntil("data: ")).contains("\"text_completion\"");           // A is generating
            RawClient b = new RawClient(s.uri(), "/v1/completions", LONG);                  // B waits for A's slot
            for (int i = 0; i < 500 && s.admitted() < 2; i++) Thread.sleep(10);
            assertThat(s.admitted()).isEqualTo(2);

            var c = post(HTTP, s.uri(), "/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(c.statusCode()).isEqualTo(429);
            assertThat(obj(json(c.body()).get("error"))).containsEntry("type", "rate_limit_exceeded");
            var d = post(HTTP, s.uri(), "/api/chat", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(d.statusCode()).isEqualTo(503);
            assertThat(json(d.body()).get("error").toString()).contains("busy");
            assertThat(get(HTTP, s.uri(), "/v1/models").statusCode()).isEqualTo(200); // listing models needs no slot

            a.close();                                                                     // A hangs up: its generation stops, B starts
            assertThat(b.readUntil("data: ")).contains("\"text_completion\"");
            b.close();
            awaitIdle(s);
            String aLine = lineWith(log, "finish=disconnected");
            int tokens = Integer.parseInt(aLine.replaceAll(".*completion_tokens=(\\d+).*", "$1"));
            assertThat(tokens).isBetween(1, 3999);
            // the access-log line is written after the slot is released: wait for B's as well
            for (int i = 0; i < 500 && log.stream().filter(l -> l.contains("finish=disconnected")).count() < 2; i++) Thread.sleep(10);
            assertThat(log.stream().filter(l -> l.contains("finish=disconnected")).count()).isEqualTo(2);
            assertThat(log.stream().filter(l -> l.contains("\" 429 ") || l.contains("\" 503 ")).count()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("per-request timeout: a blocking request answers 503 'timeout'; a stream ends with an error event and [DONE]")
    void timeout() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ChatServer s = start(TinyModel.options().withTimes(Duration.ofMillis(700), Duration.ofSeconds(1)), log)) {
            long t0 = System.nanoTime();
            var r = post(HTTP, s.uri(), "/v1/completions", LONG.replace("\"stream\":true", "\"stream\":false"));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(obj(json(r.body()).get("error"))).containsEntry("type", "timeout");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
            var st = post(HTTP, s.uri(), "/v1/completions", LONG);
            assertThat(st.statusCode()).isEqualTo(200);
            assertThat(st.body()).contains("data: {\"error\":{\"message\":\"the request took longer than").endsWith("data: [DONE]\n\n");
            var ol = post(HTTP, s.uri(), "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"Once\",\"raw\":true,\"options\":{\"num_predict\":4000}}");
            String[] lines = ol.body().split("\n");
            assertThat(lines[lines.length - 1]).startsWith("{\"error\":\"the request took longer than");
            for (int i = 0; i < 500 && log.stream().filter(l -> l.contains("finish=timeout")).count() < 3; i++) Thread.sleep(10); // logged after the close
            assertThat(log.stream().filter(l -> l.contains("finish=timeout")).count()).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("graceful shutdown: a short running request finishes normally; new requests get 503 meanwhile; the server then stops")
    void shutdownFinishesRunning() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        ChatServer s = start(TinyModel.options().withTimes(Duration.ofMinutes(1), Duration.ofSeconds(30)), log);
        RawClient a = new RawClient(s.uri(), "/v1/completions", LONG.replace("4000", "150"));
        assertThat(a.readUntil("data: ")).isNotNull();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(s::shutdown);
        int status = 0;
        for (int i = 0; i < 200 && status != 503; i++) {
            status = get(HTTP, s.uri(), "/v1/models").statusCode();
            Thread.sleep(5);
        }
        assertThat(status).isEqualTo(503);
        String rest = a.readToEnd();
        assertThat(rest).contains("\"finish_reason\":\"length\"").contains("data: [DONE]");
        stopping.get();
        a.close();
        assertThat(lineWith(log, "finish=length")).contains("completion_tokens=150");
        assertThatThrownBy(() -> get(HTTP, s.uri(), "/v1/models")).isInstanceOf(java.io.IOException.class); // nobody listens any more
    }

    @Test
    @DisplayName("shutdown after the grace period cancels a long generation: its stream ends with a 'shutting down' error event")
    void shutdownCancelsAfterGrace() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        ChatServer s = start(TinyModel.options().withTimes(Duration.ofMinutes(1), Duration.ofMillis(300)), log);
        RawClient a = new RawClient(s.uri(), "/v1/completions", LONG);
        assertThat(a.readUntil("data: ")).isNotNull();
        long t0 = System.nanoTime();
        s.shutdown();
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
        String rest = a.readToEnd();
        assertThat(rest).contains("the server is shutting down").contains("data: [DONE]");
        a.close();
        assertThat(lineWith(log, "finish=cancelled")).contains("\"POST /v1/completions\" 200");
    }

    @Test
    @DisplayName("with --api-key, the APIs need 'Authorization: Bearer KEY' (401 otherwise); the page itself does not")
    void apiKey() throws Exception {
        try (ChatServer s = start(TinyModel.options().withApiKey("s3cret"), new CopyOnWriteArrayList<>())) {
            var none = get(HTTP, s.uri(), "/v1/models");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(HTTP.send(HttpRequest.newBuilder(s.uri().resolve("/api/tags")).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(HTTP.send(HttpRequest.newBuilder(s.uri().resolve("/v1/models")).header("Authorization", "Bearer s3cret").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(get(HTTP, s.uri(), "/").statusCode()).isEqualTo(200);
        }
    }
}

package dev.scratchllm.serve;

import dev.scratchllm.finetune.InstructionData;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.scratchllm.serve.ChatServerLimitsTest.awaitIdle;
import static dev.scratchllm.serve.ChatServerLimitsTest.lineWith;
import static dev.scratchllm.serve.TinyModel.json;
import static dev.scratchllm.serve.TinyModel.list;
import static dev.scratchllm.serve.TinyModel.obj;
import static dev.scratchllm.serve.TinyModel.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that hangs up on a non-streamed request: the heartbeat notices it (while the request
 * waits for a turn, and while it generates), the generation stops within a few tokens and the slot
 * goes to the next request at once; an error after the heartbeat's early 200 becomes the body.
 */
class ChatServerHangupTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** 20 ms a token: 4000 tokens would take 80 s, far past the 20 s timeout, unless the hang-up stops them. */
    static final long SLEEP_MS = 20;
    static final String LONG = "{\"model\":\"tiny\",\"prompt\":\"Once upon a time\",\"max_tokens\":4000,\"temperature\":0}";
    static final String SHORT = "{\"model\":\"tiny\",\"prompt\":\"Hello, I am\",\"max_tokens\":5,\"temperature\":0}";

    static SlowBackend slow() {
        return new SlowBackend(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA)), SLEEP_MS);
    }

    static ServerOptions options() {
        return TinyModel.options().withQueue(1, 1).withTimes(Duration.ofSeconds(20), Duration.ofSeconds(1))
                .withHeartbeat(Duration.ofMillis(200), Duration.ofMillis(100));
    }

    static int completionTokens(String logLine) {
        return Integer.parseInt(logLine.replaceAll(".*completion_tokens=(\\d+).*", "$1"));
    }

    @Test
    @DisplayName("a non-streamed request whose client hangs up mid-generation stops within a few tokens, and the waiting request runs at once")
    void hangupWhileGenerating() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        SlowBackend model = slow();
        try (ChatServer s = ChatServer.start(options(), List.of(model), log::add)) {
            RawClient a = new RawClient(s.uri(), "/v1/completions", LONG);
            assertThat(a.readUntil("HTTP/1.1")).isEqualTo("HTTP/1.1 200 OK");           // the heartbeat committed the 200
            for (int i = 0; i < 1000 && model.tokens.get() < 10; i++) Thread.sleep(10);
            CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(() -> {
                try {
                    return post(HTTP, s.uri(), "/v1/completions", SHORT);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            for (int i = 0; i < 500 && s.admitted() < 2; i++) Thread.sleep(10);
            assertThat(s.admitted()).as("B waits for A's slot").isEqualTo(2);

            int atClose = model.tokens.get();
            long t0 = System.nanoTime();
            a.close();                                                                     // A hangs up without reading its answer
            HttpResponse<String> rb = b.get(15, TimeUnit.SECONDS);
            double bAfterClose = (System.nanoTime() - t0) / 1e9;
            assertThat(rb.statusCode()).isEqualTo(200);
            assertThat(obj(list(json(rb.body()).get("choices")).get(0)).get("text")).isEqualTo(ChatServerTest.reference("Hello, I am", 5, 0f, null, 0));
            awaitIdle(s);

            String aLine = lineWith(log, "finish=disconnected");
            int after = completionTokens(aLine) - atClose;
            System.out.printf("hang-up while generating: %d tokens (%d ms each) ran after the close; B answered %.3f s after it; %s%n", after,
                    SLEEP_MS, bAfterClose, aLine);
            assertThat(aLine).contains("\"POST /v1/completions\" 200").contains("heartbeats=");
            // two beats (200 ms) plus one token notice it; 50 tokens (1 s) leave room for a loaded machine, 80 s would run without it
            assertThat(after).isBetween(0, 50);
            assertThat(bAfterClose).isLessThan(10);
        }
    }

    @Test
    @DisplayName("a non-streamed request whose client hangs up while waiting for a turn leaves the queue without generating")
    void hangupWhileWaiting() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ChatServer s = ChatServer.start(options(), List.of(slow()), log::add)) {
            RawClient a = new RawClient(s.uri(), "/v1/completions", LONG.replace("}", ",\"stream\":true}"));
            assertThat(a.readUntil("data: ")).contains("\"text_completion\"");           // A is generating
            RawClient c = new RawClient(s.uri(), "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"Hi\",\"raw\":true,\"stream\":false}");
            for (int i = 0; i < 500 && s.admitted() < 2; i++) Thread.sleep(10);
            assertThat(s.admitted()).isEqualTo(2);
            c.close();                                                                     // C hangs up while it waits
            for (int i = 0; i < 500 && s.admitted() > 1; i++) Thread.sleep(10);
            assertThat(s.admitted()).as("C left the queue while A still runs").isEqualTo(1);
            String cLine = lineWith(log, "finish=disconnected");
            assertThat(cLine).contains("\"POST /api/generate\" 200").contains("completion_tokens=0").contains("waiting");
            a.close();
            awaitIdle(s);
        }
    }

    @Test
    @DisplayName("a streamed request (no heartbeat) whose client hangs up while waiting stops at its first write when its turn comes: at most one token")
    void streamHangupWhileWaiting() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ChatServer s = ChatServer.start(options(), List.of(slow()), log::add)) {
            RawClient a = new RawClient(s.uri(), "/v1/completions", LONG.replace("}", ",\"stream\":true}"));
            assertThat(a.readUntil("data: ")).contains("\"text_completion\"");
            RawClient c = new RawClient(s.uri(), "/v1/completions", LONG.replace("}", ",\"stream\":true}"));
            for (int i = 0; i < 500 && s.admitted() < 2; i++) Thread.sleep(10);
            assertThat(s.admitted()).isEqualTo(2);
            c.close();
            Thread.sleep(300);
            assertThat(s.admitted()).as("a waiting stream is not watched: it keeps its place").isEqualTo(2);
            a.close();                                                                     // C's turn: its first writes meet the closed socket
            awaitIdle(s);
            for (int i = 0; i < 500 && log.size() < 2; i++) Thread.sleep(10);
            assertThat(log).hasSize(2).allSatisfy(l -> assertThat(l).contains("finish=disconnected"));
            assertThat(completionTokens(log.get(1))).as(log.get(1)).isBetween(1, 2);
        }
    }

    @Test
    @DisplayName("after the heartbeat's early 200, a timeout is the body: OpenAI's error object or Ollama's error, behind the spaces; the log keeps the meant 503")
    void errorAfterCommit() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ChatServer s = ChatServer.start(options().withTimes(Duration.ofMillis(1500), Duration.ofSeconds(1)), List.of(slow()), log::add)) {
            var r = post(HTTP, s.uri(), "/v1/completions", LONG);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).startsWith(" ").matches("(?s) +\\{\"error\":.*");
            var err = obj(json(r.body()).get("error"));
            assertThat(err).containsEntry("type", "timeout").containsKey("param").containsKey("code");
            assertThat((String) err.get("message")).startsWith("the request took longer than");

            var o = post(HTTP, s.uri(), "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"Once\",\"raw\":true,\"stream\":false,\"options\":{\"num_predict\":4000}}");
            assertThat(o.statusCode()).isEqualTo(200);
            assertThat(json(o.body())).containsOnlyKeys("error");
            assertThat((String) json(o.body()).get("error")).startsWith("the request took longer than");
            for (int i = 0; i < 500 && log.stream().filter(l -> l.contains("late_status=503")).count() < 2; i++) Thread.sleep(10);
            assertThat(log.stream().filter(l -> l.contains("\" 200 ") && l.contains("finish=timeout") && l.contains("late_status=503"))).hasSize(2);
        }
    }

    @Test
    @DisplayName("after the heartbeat's early 200, shutdown past the grace period sends the 'shutting down' error as the body")
    void shutdownAfterCommit() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        ChatServer s = ChatServer.start(options().withTimes(Duration.ofSeconds(20), Duration.ofMillis(300)), List.of(slow()), log::add);
        RawClient a = new RawClient(s.uri(), "/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4000}");
        assertThat(a.readUntil("HTTP/1.1")).isEqualTo("HTTP/1.1 200 OK");
        s.shutdown();
        String rest = a.readToEnd();
        a.close();
        assertThat(rest).contains("{\"error\":{\"message\":\"the server is shutting down\"");
        assertThat(lineWith(log, "finish=cancelled")).contains("\"POST /v1/chat/completions\" 200").contains("late_status=503");
    }

    @Test
    @DisplayName("a request that answers before the heartbeat's delay is a plain fixed-length 200 without spaces")
    void fastAnswerUnchanged() throws Exception {
        // a delay far beyond the answer's 5 tokens (about 0.1 s; seconds on a cold, loaded machine): the heartbeat starts and stops unseen
        try (ChatServer s = ChatServer.start(TinyModel.options().withHeartbeat(Duration.ofSeconds(30), Duration.ofMillis(100)), List.of(slow()), s2 -> { })) {
            var r = post(HTTP, s.uri(), "/v1/completions", SHORT);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("{");
            assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        }
    }
}

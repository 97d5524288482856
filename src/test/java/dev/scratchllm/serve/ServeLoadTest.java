package dev.scratchllm.serve;

import dev.scratchllm.finetune.InstructionData;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static dev.scratchllm.serve.TinyModel.json;
import static dev.scratchllm.serve.TinyModel.list;
import static dev.scratchllm.serve.TinyModel.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded load test on loopback: as many concurrent streaming requests as the queue holds
 * (parallel + waiting), each a different prompt, greedy; while they are all admitted (a gate holds
 * the generations back until then), more requests must be refused with 429 at once; then the
 * gate opens and the burst runs. Latencies count from that moment. Every admitted stream must end with [DONE] and carry
 * exactly the text the book's generate() gives for its prompt: nothing failed, lost or mixed up
 * between concurrent generations. Prints p50/p99 latency and tokens/s. The default run is small;
 * -Dscratchllm.load.requests=N -Dscratchllm.load.tokens=T -Dscratchllm.load.parallel=P make it bigger,
 * -Dscratchllm.load.rounds=R repeats it (the figures of a later round are the warm ones).
 */
class ServeLoadTest {
    static final int REQUESTS = Integer.getInteger("scratchllm.load.requests", 8);
    static final int TOKENS = Integer.getInteger("scratchllm.load.tokens", 8);
    static final int PARALLEL = Integer.getInteger("scratchllm.load.parallel", 2);
    static final int ROUNDS = Integer.getInteger("scratchllm.load.rounds", 1); // > 1: the first rounds warm the JIT up
    static final java.util.Map<Integer, String> REFERENCES = new java.util.concurrent.ConcurrentHashMap<>(); // the same in every round
    static final int EXTRA = 4; // sent while the queue is full: each must get 429

    /** Absolute System.nanoTime() stamps of the first text piece and of the end of the stream. */
    record Result(int index, int status, String text, long firstTokenAt, long endAt, boolean done, long completionTokens) {
    }

    /**
     * The tiny model behind a gate: no generation starts before {@link #open()}, so all requests
     * are admitted (running or waiting) when the extra ones arrive, however fast the machine is.
     */
    static final class GatedBackend extends ForwardingBackend {
        volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

        GatedBackend(ModelBackend inner) {
            super(inner);
        }

        void open() {
            gate.countDown();
        }

        void close() {
            gate = new java.util.concurrent.CountDownLatch(1);
        }

        @Override
        public Finish generate(int[] prompt, SamplingParams params, java.util.function.IntPredicate onToken) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return inner.generate(prompt, params, onToken);
        }
    }

    @Test
    @DisplayName("load: every admitted streaming request completes with the right text; requests beyond the queue get 429; p50/p99 and tokens/s")
    void load() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        ServerOptions o = TinyModel.options().withQueue(PARALLEL, REQUESTS - PARALLEL).withTimes(Duration.ofMinutes(5), Duration.ofSeconds(10));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        GatedBackend model = new GatedBackend(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA)));
        try (ChatServer s = ChatServer.start(o, List.of(model), log::add);
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 1; round <= ROUNDS; round++) round(http, s, model, pool, round);
        }
    }

    void round(HttpClient http, ChatServer s, GatedBackend model, java.util.concurrent.ExecutorService pool, int round) throws Exception {
        model.close();
        List<CompletableFuture<Result>> admitted = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            int idx = i;
            admitted.add(CompletableFuture.supplyAsync(() -> stream(http, s, idx), pool));
        }
        for (int i = 0; i < 3000 && s.admitted() < REQUESTS; i++) Thread.sleep(5);
        assertThat(s.admitted()).as("all requests admitted (running or waiting)").isEqualTo(REQUESTS);
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < EXTRA; i++) refused.add(stream(http, s, REQUESTS + i).status());
        long t0 = System.nanoTime(); // the burst: every request is in, the generations start now
        model.open();
        List<Result> results = new ArrayList<>();
        for (var f : admitted) results.add(f.get());
        double wall = (System.nanoTime() - t0) / 1e9;

        assertThat(refused).as("requests beyond parallel + waiting").containsOnly(429);
        long tokens = 0;
        for (Result r : results) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.done()).as("request %d ended with [DONE]", r.index()).isTrue();
            assertThat(r.text()).as("request %d's text", r.index()).isEqualTo(REFERENCES.computeIfAbsent(r.index(), i -> ChatServerTest.reference(prompt(i), TOKENS, 0f, null, 0)));
            tokens += r.completionTokens();
        }
        long[] lat = results.stream().mapToLong(r -> r.endAt() - t0).sorted().toArray();
        long[] ttft = results.stream().mapToLong(r -> r.firstTokenAt() - t0).sorted().toArray();
        System.out.printf(Locale.ROOT, "load round %d: %d streaming requests x %d tokens, parallel %d, %d refused with 429; wall %.2f s; "
                        + "latency p50 %.3f s p99 %.3f s; first token p50 %.3f s p99 %.3f s; %d tokens, %.1f tokens/s%n", round, REQUESTS, TOKENS, PARALLEL,
                refused.size(), wall, pct(lat, 50), pct(lat, 99), pct(ttft, 50), pct(ttft, 99), tokens, tokens / wall);
    }

    static String prompt(int i) {
        return "Request " + i + ": tell me something.";
    }

    static double pct(long[] sorted, int p) {
        int k = (int) Math.ceil(p / 100.0 * sorted.length) - 1; // nearest-rank percentile
        return sorted[Math.max(0, k)] / 1e9;
    }

    /** One streaming completion; reads the SSE events as they arrive. */
    static Result stream(HttpClient http, ChatServer s, int i) {
        String body = "{\"model\":\"tiny\",\"prompt\":" + dev.scratchllm.io.Json.write(prompt(i)) + ",\"max_tokens\":" + TOKENS
                + ",\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        try {
            HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(s.uri().resolve("/v1/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            StringBuilder text = new StringBuilder();
            long first = 0, usage = -1;
            boolean done = false;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                if (r.statusCode() != 200) return new Result(i, r.statusCode(), "", 0, System.nanoTime(), false, 0);
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.startsWith("data: ")) continue;
                    String data = line.substring(6);
                    if (data.equals("[DONE]")) {
                        done = true;
                        continue;
                    }
                    var chunk = json(data);
                    if (chunk.get("usage") != null) usage = (Long) obj(chunk.get("usage")).get("completion_tokens");
                    if (list(chunk.get("choices")).isEmpty()) continue;
                    String piece = (String) obj(list(chunk.get("choices")).get(0)).get("text");
                    if (first == 0 && !piece.isEmpty()) first = System.nanoTime();
                    text.append(piece);
                }
            }
            return new Result(i, r.statusCode(), text.toString(), first, System.nanoTime(), done, usage);
        } catch (Exception e) {
            throw new AssertionError("request " + i + " failed: " + e, e);
        }
    }

}

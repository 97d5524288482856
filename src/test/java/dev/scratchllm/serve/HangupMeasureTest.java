package dev.scratchllm.serve;

import dev.scratchllm.finetune.InstructionData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of docs/serving.md's hang-up table: how long after a client closes its socket a
 * non-streamed generation stops, per heartbeat interval, for a client that leaves unread data (its
 * close sends a reset) and one that read everything (a clean close). A measurement, so it runs only
 * when asked: {@code mvn -q test -Dtest=HangupMeasureTest -Dscratchllm.hangup.measure=true}
 * ({@code -Dscratchllm.hangup.intervals=250,500,1000 -Dscratchllm.hangup.runs=9}).
 */
class HangupMeasureTest {
    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    @Test
    @DisplayName("close-to-stop latency of a hung-up non-streamed request, per heartbeat interval, reset and clean close (runs only with -Dscratchllm.hangup.measure=true)")
    void measure() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("scratchllm.hangup.measure"),
                "a measurement for docs/serving.md, not a check: run with -Dscratchllm.hangup.measure=true");
        int runs = Integer.getInteger("scratchllm.hangup.runs", 9);
        for (String iv : System.getProperty("scratchllm.hangup.intervals", "250,500,1000").split(",")) {
            for (boolean drain : new boolean[]{false, true}) detect(Long.parseLong(iv.strip()), runs, drain);
        }
    }

    static void detect(long intervalMs, int runs, boolean drain) throws Exception {
        SlowBackend model = new SlowBackend(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA)), ChatServerHangupTest.SLEEP_MS);
        List<String> log = new CopyOnWriteArrayList<>();
        ServerOptions o = TinyModel.options().withTimes(Duration.ofSeconds(60), Duration.ofSeconds(1))
                .withHeartbeat(Duration.ofMillis(2 * intervalMs), Duration.ofMillis(intervalMs));
        List<Double> latency = new ArrayList<>(), tokens = new ArrayList<>();
        Random rnd = new Random(1);
        try (ChatServer s = ChatServer.start(o, List.of(model), log::add)) {
            for (int r = 0; r < runs; r++) {
                log.clear();
                RawClient c = new RawClient(s.uri(), "/v1/completions", ChatServerHangupTest.LONG);
                assertThat(c.readUntil("HTTP/1.1")).isEqualTo("HTTP/1.1 200 OK");
                if (drain) Thread.ofVirtual().start(() -> { // read every beat, so the close is a clean FIN
                    try {
                        while (c.in.read() >= 0) {
                            // drop it
                        }
                    } catch (Exception ignored) {
                        // closed below
                    }
                });
                Thread.sleep(300 + rnd.nextInt((int) intervalMs)); // a random phase against the beats
                int atClose = model.tokens.get();
                long t0 = System.nanoTime();
                c.close();
                while (log.isEmpty()) Thread.sleep(1);
                latency.add((System.nanoTime() - t0) / 1e9);
                tokens.add((double) (model.tokens.get() - atClose));
                assertThat(log.get(0)).contains("finish=disconnected");
                while (s.admitted() > 0) Thread.sleep(1);
            }
        }
        System.out.printf(Locale.ROOT, "%s, interval %d ms: close to stop median %.3f s, min %.3f s, max %.3f s; tokens after the close median %.0f, max %.0f (%d runs)%n",
                drain ? "clean close" : "reset", intervalMs, median(latency), Collections.min(latency), Collections.max(latency), median(tokens),
                Collections.max(tokens), runs);
        assertThat(median(latency)).as("median close-to-stop latency").isLessThan(3 * intervalMs / 1000.0 + 1);
    }
}

package dev.scratchllm.finetune;

import dev.scratchllm.io.MisbehavingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Ollama client against servers that send their headers and then misbehave (loopback only). */
class OllamaClientTest {
    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void isRunningAnswersFalseWithinItsLimitWhenTheBodyStalls() throws Exception {
        try (var bad = new MisbehavingServer(MisbehavingServer.Mode.STALL, "Ollama is")) {
            var ollama = new OllamaClient(bad.uri("/api/chat"), Duration.ofSeconds(5), Duration.ofMillis(800));
            long t0 = System.nanoTime();
            assertThat(ollama.isRunning()).isFalse();
            assertThat(seconds(t0)).isBetween(0.7, 4.0);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void isRunningAnswersFalseWithinItsLimitWhenTheBodyTrickles() throws Exception {
        try (var bad = new MisbehavingServer(MisbehavingServer.Mode.TRICKLE, "Ollama is")) {
            var ollama = new OllamaClient(bad.uri("/api/chat"), Duration.ofSeconds(5), Duration.ofMillis(800));
            long t0 = System.nanoTime();
            assertThat(ollama.isRunning()).isFalse();
            assertThat(seconds(t0)).isBetween(0.7, 4.0);
        }
    }

    @Test
    void theDefaultProbeLimitIsThreeSeconds() {
        assertThat(OllamaClient.PROBE_TIMEOUT).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aQueryWhoseAnswerStallsFailsAtTheTimeLimit() throws Exception {
        try (var bad = new MisbehavingServer(MisbehavingServer.Mode.STALL, "{\"message\":{\"content\":\"Hel")) {
            var ollama = new OllamaClient(bad.uri("/api/chat"), Duration.ofMillis(1500), Duration.ofMillis(500));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> ollama.queryModel("hi")).isInstanceOf(IOException.class)
                    .hasMessageContaining("Ollama at " + bad.uri("/api/chat")).hasMessageContaining("within 1.5 s (the time limit)");
            assertThat(seconds(t0)).isBetween(1.4, 5.0);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aQueryWhoseAnswerTricklesFailsAtTheTimeLimit() throws Exception {
        try (var bad = new MisbehavingServer(MisbehavingServer.Mode.TRICKLE, "{\"message\":{\"content\":\"")) {
            var ollama = new OllamaClient(bad.uri("/api/chat"), Duration.ofMillis(1500), Duration.ofMillis(500));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> ollama.queryModel("hi")).isInstanceOf(IOException.class)
                    .hasMessageContaining("not complete within 1.5 s (the time limit)");
            assertThat(seconds(t0)).isBetween(1.4, 5.0);
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void anEndlessLineIsRefusedAtTheLineLimitNotBufferedWhole() throws Exception {
        try (var bad = new MisbehavingServer(MisbehavingServer.Mode.ENDLESS_LINE, "{\"message\":{\"content\":\"")) {
            var ollama = new OllamaClient(bad.uri("/api/chat"), Duration.ofSeconds(15), Duration.ofMillis(500));
            assertThatThrownBy(() -> ollama.queryModel("hi")).isInstanceOf(IOException.class)
                    .hasMessageContaining("a response line longer than 1048576 bytes (the limit)");
        }
    }
}

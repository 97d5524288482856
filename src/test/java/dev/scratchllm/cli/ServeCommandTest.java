package dev.scratchllm.cli;

import dev.scratchllm.io.Json;
import dev.scratchllm.serve.ChatServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serve command end to end: options, the banner, and the book's untrained GPT-124M served over HTTP. */
class ServeCommandTest {
    @Test
    @DisplayName("serve with no model serves the book's untrained GPT-124M (seed 123): \"Hello, I am\" continues with \" Featureiman Byeswickattribute argue\" (listing 4.8)")
    void untrainedModelOverHttp() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Serve.Settings s = Serve.parse(List.of("--port", "0", "--threads", "2"));
        ChatServer server = Serve.start(s, out);
        try {
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("Serving 'scratchllm-untrained' (transcript chat format) at http://127.0.0.1:");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"scratchllm-untrained\",\"prompt\":\"Hello, I am\",\"max_tokens\":6,\"temperature\":0}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            Map<String, Object> choice = (Map<String, Object>) ((List<Object>) Json.parseObject(r.body(), "response").get("choices")).get(0);
            assertThat(choice.get("text")).isEqualTo(" Featureiman Byeswickattribute argue");
        } finally {
            server.shutdown();
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("\"POST /v1/completions\" 200").contains("completion_tokens=6 finish=length");
    }

    @Test
    @DisplayName("serve's options: loopback and port 8080 by default; bad values are refused with the option's name")
    void options() {
        Serve.Settings d = Serve.parse(List.of());
        assertThat(d.server().host()).isEqualTo("127.0.0.1");
        assertThat(d.server().port()).isEqualTo(8080);
        Serve.Settings s = Serve.parse(List.of("--host", "0.0.0.0", "--api-key", "k", "--parallel", "2", "--queue", "3", "--chat-format", "phi3"));
        assertThat(s.server().apiKey()).isEqualTo("k");
        assertThat(s.server().parallel()).isEqualTo(2);
        assertThat(s.server().maxWaiting()).isEqualTo(3);
        assertThat(s.chatFormat()).isEqualTo("phi3");
        assertThatThrownBy(() -> Serve.parse(List.of("--chat-format", "chatml"))).hasMessageContaining("--chat-format");
        assertThatThrownBy(() -> Serve.parse(List.of("--port", "x"))).hasMessageContaining("--port expects a number");
        assertThat(Serve.isLoopback("127.0.0.1")).isTrue();
        assertThat(Serve.isLoopback("0.0.0.0")).isFalse();
    }
}

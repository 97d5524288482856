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
    @DisplayName("serve --checkpoint of finetune-instructions: the Alpaca chat format, and a chat answer equal to the book's greedy response")
    void instructionCheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.scratchllm.ScratchLLM.manualSeed(123);
        dev.scratchllm.gpt.GPTConfig cfg = new dev.scratchllm.gpt.GPTConfig(50257, 128, 16, 2, 1, 0.0, false);
        dev.scratchllm.gpt.GPTModel model = new dev.scratchllm.gpt.GPTModel(cfg);
        java.util.Map<String, String> extra = new java.util.LinkedHashMap<>(); // what finetune-instructions records
        extra.put("task", "instructions");
        extra.put("gpt.config", cfg.toJson());
        extra.put("prompt_style", "ALPACA");
        dev.scratchllm.io.Checkpoint.save(dir, model, null, 1, 1, extra);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ChatServer server = Serve.start(Serve.parse(List.of("--checkpoint", dir.toString(), "--port", "0", "--threads", "1")),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("Serving 'scratchllm-instruct' (alpaca chat format)");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/api/chat"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"scratchllm-instruct\",\"stream\":false,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Name a color.\"}],\"options\":{\"temperature\":0,\"num_predict\":5}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            // the book's generate_response, greedy, on format_input(entry) followed by the response header of the training text
            model.eval();
            var tok = dev.scratchllm.tokenizer.GPT2Tokenizer.load();
            String prompt = dev.scratchllm.finetune.InstructionData.formatInput(new dev.scratchllm.finetune.InstructionEntry("Name a color.", "", ""))
                    + "\n\n### Response:\n";
            var in = dev.scratchllm.train.TextGeneration.textToTokenIds(prompt, tok);
            int[] ids = dev.scratchllm.train.TextGeneration.generate(model, in, 5, 128, 0f, null, 50256L).squeeze(0).toIntArray();
            String expected = tok.decode(java.util.Arrays.copyOfRange(ids, in.size(1), ids.length));
            @SuppressWarnings("unchecked")
            Map<String, Object> message = (Map<String, Object>) Json.parseObject(r.body(), "response").get("message");
            assertThat(message.get("content")).isEqualTo(expected);
        } finally {
            server.shutdown();
        }
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
        assertThatThrownBy(() -> Serve.parse(List.of("--port", "x"))).hasMessageContaining("serve: --port must be a whole number from 0 to 65535, got 'x'");
        // --heartbeat: the delay before the first beat (1 s by default, every 0.5 s); 0 turns it off
        assertThat(d.server().heartbeatDelay()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(d.server().heartbeatInterval()).isEqualTo(java.time.Duration.ofMillis(500));
        Serve.Settings later = Serve.parse(List.of("--heartbeat", "2.5"));
        assertThat(later.server().heartbeatDelay()).isEqualTo(java.time.Duration.ofMillis(2500));
        assertThat(later.server().heartbeatInterval()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(Serve.parse(List.of("--heartbeat", "0")).server().heartbeatInterval()).isEqualTo(java.time.Duration.ZERO);
        assertThatThrownBy(() -> Serve.parse(List.of("--heartbeat", "-1"))).hasMessageContaining("serve: --heartbeat");
        assertThat(Serve.isLoopback("127.0.0.1")).isTrue();
        assertThat(Serve.isLoopback("0.0.0.0")).isFalse();
    }
}

package dev.scratchllm.cli;

import com.sun.net.httpserver.HttpServer;
import dev.scratchllm.finetune.PreferenceData;
import dev.scratchllm.finetune.PreferenceEntry;
import dev.scratchllm.io.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code make-preference-data} against a fake Ollama server on loopback that streams its rewrite in two NDJSON lines. */
class MakePreferenceDataTest {
    HttpServer server;
    final List<String> prompts = new CopyOnWriteArrayList<>();
    volatile boolean emptyAnswers;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] b = "Ollama is running".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/api/chat", ex -> {
            Map<String, Object> req = Json.parseObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), "request");
            String prompt = (String) ((Map<?, ?>) ((List<?>) req.get("messages")).get(0)).get("content");
            prompts.add(prompt);
            String output = prompt.substring(prompt.indexOf("correct output `") + 16, prompt.indexOf("`, slightly"));
            String first = emptyAnswers ? "" : prompt.contains("more polite.") ? "Kindly, " : "Ugh, ";
            String body = "{\"message\":{\"role\":\"assistant\",\"content\":" + Json.write(first) + "},\"done\":false}\n"
                    + "{\"message\":{\"role\":\"assistant\",\"content\":" + Json.write(emptyAnswers ? "" : output) + "},\"done\":false}\n"
                    + "{\"done\":true}\n";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    Path data(Path tmp) throws Exception {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instruction", "Say " + i + ".");
            m.put("input", i % 2 == 0 ? "" : "in words");
            m.put("output", "It is " + i + ".");
            list.add(m);
        }
        return Files.writeString(tmp.resolve("instructions.json"), Json.write(list));
    }

    @Test
    void writesPairsInTheBooksFormat(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out/prefs.json");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/chat";
        var s = MakePreferenceData.parse(List.of("--data", data(tmp).toString(), "--url", url, "--model", "judge", "--out", out.toString()));
        List<PreferenceEntry> pairs = MakePreferenceData.run(s, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        // torch.manual_seed(123); [torch.randint(2, (1,)) for 8 entries] == [0, 1, 0, 0, 0, 0, 0, 1]: 1 = polite
        int[] polite = {0, 1, 0, 0, 0, 0, 0, 1};
        assertThat(pairs).hasSize(8);
        for (int i = 0; i < 8; i++) {
            PreferenceEntry p = pairs.get(i);
            assertThat(prompts.get(i)).contains("slightly rewrite the output to be more " + (polite[i] == 1 ? "polite." : "impolite."));
            if (polite[i] == 1) assertThat(p.chosen()).isEqualTo("Kindly, It is " + i + ".");
            else assertThat(p.rejected()).isEqualTo("Ugh, It is " + i + ".");
            assertThat(polite[i] == 1 ? p.rejected() : p.chosen()).isEqualTo("It is " + i + ".");
        }
        assertThat(prompts.get(1)).isEqualTo("Given the input `Below is an instruction that describes a task. Write a response that appropriately "
                + "completes the request.\n\n### Instruction:\nSay 1.\n\n### Input:\nin words` and correct output `It is 1.`, slightly rewrite the output "
                + "to be more polite.Keep the modification minimal.Only return return the generated response and nothing else.");
        assertThat(PreferenceData.load(out)).isEqualTo(pairs);
    }

    @Test
    void failuresNameTheEntryOrTheServer(@TempDir Path tmp) throws Exception {
        emptyAnswers = true;
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/chat";
        var s = MakePreferenceData.parse(List.of("--data", data(tmp).toString(), "--url", url, "--out", tmp.resolve("p.json").toString()));
        assertThatThrownBy(() -> MakePreferenceData.run(s, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .hasMessageContaining("entry 0 (\"Say 0.\"): the server returned an empty rewrite");
        assertThat(tmp.resolve("p.json")).doesNotExist();
        server.stop(0);
        assertThatThrownBy(() -> MakePreferenceData.run(s, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .hasMessageContaining("is not running").hasMessageContaining("cannot write preference data");
        assertThatThrownBy(() -> MakePreferenceData.parse(List.of("--url", "ftp://x"))).hasMessageContaining("--url must be an http(s) address");
    }
}

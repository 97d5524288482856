package dev.scratchllm.serve;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.TextGeneration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.scratchllm.serve.TinyModel.get;
import static dev.scratchllm.serve.TinyModel.json;
import static dev.scratchllm.serve.TinyModel.list;
import static dev.scratchllm.serve.TinyModel.obj;
import static dev.scratchllm.serve.TinyModel.post;
import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint of both APIs against a tiny model on loopback, checked against the library's own generate(). */
class ChatServerTest {
    static ChatServer server;
    static URI base;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final List<String> LOG = new CopyOnWriteArrayList<>();
    static final GPT2Tokenizer TOK = GPT2Tokenizer.load();

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(TinyModel.options(), List.of(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA))), LOG::add);
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The reference: the book's generate (greedy, or seeded sampling with temperature and top-k), new text only. */
    static String reference(String prompt, int n, float temperature, Integer topK, long seed) {
        ScratchLLM.manualSeed(seed);
        Tensor in = TextGeneration.textToTokenIds(prompt, TOK);
        Tensor out = TextGeneration.generate(TinyModel.model(), in, n, TinyModel.CONFIG.contextLength(), temperature, topK, (long) TOK.eotToken());
        int[] ids = out.squeeze(0).toIntArray();
        return TOK.decode(Arrays.copyOfRange(ids, in.size(1), ids.length));
    }

    static List<String> sseData(String body) {
        List<String> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) continue;
            assertThat(block).startsWith("data: ");
            out.add(block.substring("data: ".length()));
        }
        return out;
    }

    @Test
    @DisplayName("GET /v1/models and /v1/models/{id} list the served model")
    void models() throws Exception {
        Map<String, Object> r = json(get(HTTP, base, "/v1/models").body());
        assertThat(r.get("object")).isEqualTo("list");
        assertThat(obj(list(r.get("data")).get(0))).containsEntry("id", "tiny").containsEntry("object", "model");
        assertThat(json(get(HTTP, base, "/v1/models/tiny").body())).containsEntry("id", "tiny");
        var missing = get(HTTP, base, "/v1/models/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(obj(json(missing.body()).get("error"))).containsEntry("code", "model_not_found");
    }

    @Test
    @DisplayName("POST /v1/completions: greedy text equals generate(); usage counts the prompt's and the new tokens")
    void completions() throws Exception {
        var r = post(HTTP, base, "/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Every effort moves you\",\"max_tokens\":12,\"temperature\":0}");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> m = json(r.body());
        assertThat(m.get("object")).isEqualTo("text_completion");
        Map<String, Object> choice = obj(list(m.get("choices")).get(0));
        assertThat(choice.get("text")).isEqualTo(reference("Every effort moves you", 12, 0f, null, 0));
        assertThat(choice.get("finish_reason")).isEqualTo("length");
        assertThat(obj(m.get("usage"))).containsEntry("prompt_tokens", 4L).containsEntry("completion_tokens", 12L).containsEntry("total_tokens", 16L);
    }

    @Test
    @DisplayName("POST /v1/completions with a seed samples the tokens that manualSeed(seed) + generate(temperature) draws; same seed, same text")
    void seededSampling() throws Exception {
        String body = "{\"model\":\"tiny\",\"prompt\":\"Every effort moves you\",\"max_tokens\":10,\"temperature\":1.4,\"seed\":123}";
        String a = obj(list(json(post(HTTP, base, "/v1/completions", body).body()).get("choices")).get(0)).get("text").toString();
        String b = obj(list(json(post(HTTP, base, "/v1/completions", body).body()).get("choices")).get(0)).get("text").toString();
        assertThat(a).isEqualTo(reference("Every effort moves you", 10, 1.4f, null, 123)).isEqualTo(b);
        // Ollama's options with top_k and top_p 1 (off): the book's generate(temperature 1.4, top_k 25)
        var o = json(post(HTTP, base, "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"Every effort moves you\",\"raw\":true,\"stream\":false,"
                + "\"options\":{\"seed\":123,\"temperature\":1.4,\"top_k\":25,\"top_p\":1,\"num_predict\":10}}").body());
        assertThat(o.get("response")).isEqualTo(reference("Every effort moves you", 10, 1.4f, 25, 123));
    }

    @Test
    @DisplayName("stream: true sends SSE chunks whose texts join to the blocking answer, then a final chunk and data: [DONE]")
    void completionsStream() throws Exception {
        var r = post(HTTP, base, "/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Hello\",\"max_tokens\":8,\"temperature\":0,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String> data = sseData(r.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 3)) text.append(obj(list(json(d).get("choices")).get(0)).get("text"));
        assertThat(text.toString()).isEqualTo(reference("Hello", 8, 0f, null, 0));
        assertThat(obj(list(json(data.get(data.size() - 3)).get("choices")).get(0)).get("finish_reason")).isEqualTo("length");
        Map<String, Object> usage = obj(json(data.get(data.size() - 2)).get("usage"));
        assertThat(usage).containsEntry("prompt_tokens", 1L).containsEntry("completion_tokens", 8L);
    }

    @Test
    @DisplayName("POST /v1/chat/completions: the Alpaca prompt of chapter 7, blocking and streamed (role delta, content deltas, finish, [DONE])")
    void chatCompletions() throws Exception {
        String prompt = InstructionData.formatInput(new dev.scratchllm.finetune.InstructionEntry("Name a color.", "", "")) + "\n\n### Response:\n";
        String expected = reference(prompt, 9, 0f, null, 0);
        String req = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Name a color.\"}],\"max_tokens\":9,\"temperature\":0";
        Map<String, Object> m = json(post(HTTP, base, "/v1/chat/completions", req + "}").body());
        assertThat(m.get("object")).isEqualTo("chat.completion");
        Map<String, Object> choice = obj(list(m.get("choices")).get(0));
        assertThat(obj(choice.get("message"))).containsEntry("role", "assistant").containsEntry("content", expected);
        assertThat(obj(m.get("usage")).get("prompt_tokens")).isEqualTo((long) TOK.encode(prompt).length);

        List<String> data = sseData(post(HTTP, base, "/v1/chat/completions", req + ",\"stream\":true}").body());
        assertThat(obj(obj(list(json(data.get(0)).get("choices")).get(0)).get("delta"))).containsEntry("role", "assistant");
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(1, data.size() - 2)) {
            assertThat(json(d).get("object")).isEqualTo("chat.completion.chunk");
            text.append(obj(obj(list(json(d).get("choices")).get(0)).get("delta")).get("content"));
        }
        assertThat(text.toString()).isEqualTo(expected);
        assertThat(obj(list(json(data.get(data.size() - 2)).get("choices")).get(0)).get("finish_reason")).isEqualTo("length");
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    }

    @Test
    @DisplayName("stop strings end the text before them, with finish_reason stop, in both blocking and streamed answers")
    void stopStrings() throws Exception {
        String full = reference("Hello", 20, 0f, null, 0);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        String before = full.substring(0, full.indexOf(stop));
        String req = "{\"model\":\"tiny\",\"prompt\":\"Hello\",\"max_tokens\":20,\"temperature\":0,\"stop\":[" + dev.scratchllm.io.Json.write(stop) + "]";
        Map<String, Object> choice = obj(list(json(post(HTTP, base, "/v1/completions", req + "}").body()).get("choices")).get(0));
        assertThat(choice).containsEntry("text", before).containsEntry("finish_reason", "stop");
        List<String> data = sseData(post(HTTP, base, "/v1/completions", req + ",\"stream\":true}").body());
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) text.append(obj(list(json(d).get("choices")).get(0)).get("text"));
        assertThat(text.toString()).isEqualTo(before);
    }

    @Test
    @DisplayName("Ollama: /api/tags, /api/version, /api/show; /api/generate and /api/chat stream NDJSON by default and answer once with stream false")
    void ollama() throws Exception {
        Map<String, Object> tag = obj(list(json(get(HTTP, base, "/api/tags").body()).get("models")).get(0));
        assertThat(tag).containsEntry("name", "tiny:latest");
        assertThat(obj(tag.get("details"))).containsEntry("family", "gpt2");
        assertThat(json(get(HTTP, base, "/api/version").body())).containsKey("version");
        assertThat(json(post(HTTP, base, "/api/show", "{\"model\":\"tiny\"}").body())).containsEntry("template", "alpaca");

        var r = post(HTTP, base, "/api/generate", "{\"model\":\"tiny:latest\",\"prompt\":\"Hello\",\"raw\":true,\"options\":{\"temperature\":0,\"num_predict\":7}}");
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/x-ndjson");
        String[] lines = r.body().split("\n");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.length - 1; i++) {
            assertThat(json(lines[i])).containsEntry("done", false);
            text.append(json(lines[i]).get("response"));
        }
        assertThat(text.toString()).isEqualTo(reference("Hello", 7, 0f, null, 0));
        Map<String, Object> last = json(lines[lines.length - 1]);
        assertThat(last).containsEntry("done", true).containsEntry("done_reason", "length").containsEntry("eval_count", 7L).containsEntry("prompt_eval_count", 1L);

        String alpaca = InstructionData.formatInput(new dev.scratchllm.finetune.InstructionEntry("Say hi.", "", "")) + "\n\n### Response:\n";
        var g = json(post(HTTP, base, "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"Say hi.\",\"stream\":false,\"options\":{\"temperature\":0,\"num_predict\":5}}").body());
        assertThat(g).containsEntry("response", reference(alpaca, 5, 0f, null, 0)).containsEntry("done", true);

        var c = post(HTTP, base, "/api/chat", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi.\"}],\"options\":{\"temperature\":0,\"num_predict\":5}}");
        String[] cl = c.body().split("\n");
        StringBuilder ct = new StringBuilder();
        for (int i = 0; i < cl.length - 1; i++) ct.append(obj(json(cl[i]).get("message")).get("content"));
        assertThat(ct.toString()).isEqualTo(reference(alpaca, 5, 0f, null, 0));
        assertThat(json(cl[cl.length - 1])).containsEntry("done", true);
        var cs = json(post(HTTP, base, "/api/chat", "{\"model\":\"tiny\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi.\"}],"
                + "\"options\":{\"temperature\":0,\"num_predict\":5}}").body());
        assertThat(obj(cs.get("message"))).containsEntry("role", "assistant").containsEntry("content", reference(alpaca, 5, 0f, null, 0));
        // an empty prompt loads the model, as Ollama does
        assertThat(json(post(HTTP, base, "/api/generate", "{\"model\":\"tiny\"}").body())).containsEntry("done_reason", "load");
    }

    @Test
    @DisplayName("over HTTP: top_p 0 keeps the arg-max only (a seeded temperature-1.4 request gives the greedy text, both APIs); max_completion_tokens; Ollama's options.stop")
    void topPMaxCompletionTokensOllamaStop() throws Exception {
        String greedy = reference("Every effort moves you", 10, 0f, null, 0);
        var o = json(post(HTTP, base, "/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"Every effort moves you\",\"max_completion_tokens\":10,\"temperature\":1.4,\"top_p\":0,\"seed\":7}").body());
        assertThat(obj(list(o.get("choices")).get(0)).get("text")).isEqualTo(greedy);
        assertThat(obj(o.get("usage"))).containsEntry("completion_tokens", 10L);
        assertThat(greedy).as("temperature 1.4 without top_p draws other tokens").isNotEqualTo(reference("Every effort moves you", 10, 1.4f, null, 7));
        var g = json(post(HTTP, base, "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"Every effort moves you\",\"raw\":true,\"stream\":false,"
                + "\"options\":{\"seed\":7,\"temperature\":1.4,\"top_k\":0,\"top_p\":0,\"num_predict\":10}}").body());
        assertThat(g).containsEntry("response", greedy);

        String full = reference("Hello", 20, 0f, null, 0);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        var st = json(post(HTTP, base, "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"Hello\",\"raw\":true,\"stream\":false,"
                + "\"options\":{\"temperature\":0,\"num_predict\":20,\"stop\":[" + dev.scratchllm.io.Json.write(stop) + "]}}").body());
        assertThat(st).containsEntry("response", full.substring(0, full.indexOf(stop))).containsEntry("done_reason", "stop");
    }

    @Test
    @DisplayName("a chunked request body (no Content-Length) over --max-body is refused with 413 while it is read")
    void chunkedBodyTooLarge() throws Exception {
        try (java.net.Socket sock = new java.net.Socket(base.getHost(), base.getPort())) {
            sock.setSoTimeout(30_000);
            var out = sock.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("8000\r\n" + "a".repeat(0x8000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 40; i++) out.write(chunk); // 1.25 MiB, past the 1 MiB limit
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException e) {
                // the server may answer and close before it has read all of it: the answer is still there to read
            }
            String answer = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("larger than 1048576 bytes");
        }
    }

    @Test
    @DisplayName("errors: 400 bad JSON and fields, 404 unknown model and path, 405 wrong method, 413 oversized body, in each API's error shape")
    void errors() throws Exception {
        var bad = post(HTTP, base, "/v1/chat/completions", "{\"model\":");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(obj(json(bad.body()).get("error"))).containsEntry("type", "invalid_request_error");
        var temp = post(HTTP, base, "/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"temperature\":3}");
        assertThat(temp.statusCode()).isEqualTo(400);
        assertThat(obj(json(temp.body()).get("error"))).containsEntry("param", "temperature");
        assertThat(post(HTTP, base, "/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[]}").statusCode()).isEqualTo(400);
        assertThat(post(HTTP, base, "/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}").statusCode()).isEqualTo(400);
        assertThat(post(HTTP, base, "/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"n\":2}").statusCode()).isEqualTo(400);
        assertThat(post(HTTP, base, "/v1/completions", "{\"prompt\":\"x\"}").statusCode()).isEqualTo(400);
        var opt = post(HTTP, base, "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"x\",\"options\":{\"top_p\":\"high\"}}");
        assertThat(opt.statusCode()).isEqualTo(400);
        assertThat(json(opt.body()).get("error").toString()).contains("options.top_p");

        var unknown = post(HTTP, base, "/v1/chat/completions", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(obj(json(unknown.body()).get("error")).get("message").toString()).contains("gpt-9");
        var unknownOllama = post(HTTP, base, "/api/chat", "{\"model\":\"llama3\",\"messages\":[]}");
        assertThat(unknownOllama.statusCode()).isEqualTo(404);
        assertThat(json(unknownOllama.body()).get("error")).isInstanceOf(String.class);
        var path = get(HTTP, base, "/v2/whatever");
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(json(path.body())).containsKey("error");
        var method = get(HTTP, base, "/v1/completions");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.headers().firstValue("Allow")).hasValue("POST");

        String huge = "{\"model\":\"tiny\",\"prompt\":\"" + "a".repeat((1 << 20) + 10) + "\"}";
        var big = post(HTTP, base, "/v1/completions", huge);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(obj(json(big.body()).get("error")).get("message").toString()).contains("1048576 bytes");
        // a prompt longer than the context
        var longPrompt = post(HTTP, base, "/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"" + "hello ".repeat(300) + "\"}");
        assertThat(longPrompt.statusCode()).isEqualTo(400);
        assertThat(longPrompt.body()).contains("context of 256 tokens");
    }

    @Test
    @DisplayName("one access-log line per request, with status and token counts")
    void accessLog() throws Exception {
        int before = LOG.size();
        post(HTTP, base, "/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Hi\",\"max_tokens\":3,\"temperature\":0}");
        get(HTTP, base, "/nope");
        // the line is written after the response is closed: wait briefly for it
        for (int i = 0; i < 100 && LOG.size() < before + 2; i++) Thread.sleep(10);
        List<String> lines = LOG.subList(before, LOG.size());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"POST /v1/completions\" 200").contains("prompt_tokens=1 completion_tokens=3 finish=length");
        assertThat(lines.get(1)).contains("\"GET /nope\" 404");
    }

    @Test
    @DisplayName("GET / serves the chat page (and HEAD / answers 200, as Ollama's root does for clients that check it)")
    void page() throws Exception {
        var r = get(HTTP, base, "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(r.body()).contains("<script src=\"chat.js\"");
        assertThat(get(HTTP, base, "/chat.js").body()).contains("/v1/chat/completions");
        var head = HTTP.send(HttpRequest.newBuilder(base).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    /** Reads an SSE stream line by line (for tests that stop reading early). */
    static BufferedReader lines(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}

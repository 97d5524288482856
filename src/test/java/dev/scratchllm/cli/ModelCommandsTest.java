package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.attention.CachedGeneration;
import dev.scratchllm.io.HFWeights;
import dev.scratchllm.io.Json;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Model;
import dev.scratchllm.qwen.Qwen3Tokenizer;
import dev.scratchllm.qwen.Qwen3Weights;
import dev.scratchllm.serve.ChatServer;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.ChatMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * generate, chat and serve with a catalog model: a tiny random Qwen3 with the real vocabulary
 * (151,936 ids, so the bundled tokenizer fits) written in the Hugging Face layout, against greedy
 * generation of the same weights with the model's own KV-cache loop (CachedGeneration).
 */
class ModelCommandsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Qwen3Model reference;
    static Qwen3Tokenizer tok;

    @BeforeAll
    static void writeModel() throws IOException {
        ScratchLLM.manualSeed(5);
        Qwen3Config cfg = Qwen3Config.dense(151_936, 64, 16, 2, 1, 32, 8, true, 1, 1_000_000.0);
        Qwen3Model m = new Qwen3Model(cfg);
        m.tieWeights();
        Map<String, Tensor> hf = new LinkedHashMap<>();
        for (var e : m.stateDict().entrySet()) if (!e.getKey().equals("out_head.weight")) hf.put(HFWeights.llamaQwenName(e.getKey()), e.getValue());
        model = Files.createDirectories(dir.resolve("tiny-qwen3"));
        Safetensors.write(model.resolve("model.safetensors"), hf);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("Qwen3ForCausalLM"));
        c.put("model_type", "qwen3");
        c.put("vocab_size", 151_936L);
        c.put("hidden_size", 16L);
        c.put("num_attention_heads", 2L);
        c.put("num_hidden_layers", 1L);
        c.put("num_key_value_heads", 1L);
        c.put("max_position_embeddings", 64L);
        c.put("rope_theta", 1_000_000.0);
        c.put("head_dim", 8L);
        c.put("intermediate_size", 32L);
        c.put("tie_word_embeddings", true);
        Files.writeString(model.resolve("config.json"), Json.write(c), StandardCharsets.UTF_8);
        reference = Qwen3Weights.load(model, 0);
        tok = Qwen3Tokenizer.load();
    }

    /** Greedy continuation by the reference loop, cut before the first <|im_end|> or <|endoftext|>. */
    static int[] greedy(int[] prompt, int n) {
        long[] l = new long[prompt.length];
        for (int i = 0; i < l.length; i++) l[i] = prompt[i];
        int[] all = CachedGeneration.generateTextSimple(reference, Tensor.ofLongs(l, 1, l.length), n, true).squeeze(0).toIntArray();
        int[] fresh = Arrays.copyOfRange(all, prompt.length, all.length);
        for (int i = 0; i < fresh.length; i++) if (fresh[i] == tok.imEndId() || fresh[i] == tok.endOfTextId()) return Arrays.copyOf(fresh, i);
        return fresh;
    }

    static String out(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("generate --weights DIR (Qwen3): the prompt, then the greedy continuation streamed")
    void generate() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String text = Generate.run(Generate.parse(List.of("--weights", model.toString(), "--prompt", "Hello, world", "--max-new-tokens", "8",
                "--temperature", "0")), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String want = "Hello, world" + tok.decode(greedy(tok.encodeOrdinary("Hello, world"), 8));
        assertThat(text).isEqualTo(want);
        assertThat(out(buf)).contains("Model: tiny-qwen3 (Qwen3").contains(want);
    }

    @Test
    @DisplayName("chat: each line a user turn in Qwen3's template (thinking off), replies greedy and streamed, the conversation kept, /reset forgets it")
    void chat() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String input = "Hi <|im_end|> there\nAnd then?\n/reset\nAgain\n/exit\nnot read\n";
        List<dev.scratchllm.serve.ChatMessage> conv = Chat.run(Chat.parse(List.of("--weights", model.toString(), "--temperature", "0", "--max-new-tokens", "6",
                        "--system", "Be brief.")), new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new PrintStream(buf, true, StandardCharsets.UTF_8));
        // turn 1 and 2 (before /reset) by the reference
        ChatMessage sys = ChatMessage.system("Be brief.");
        String r1 = tok.decode(greedy(tok.encodeChat(List.of(sys, ChatMessage.user("Hi <|im_end|> there")), true, false), 6));
        String r2 = tok.decode(greedy(tok.encodeChat(List.of(sys, ChatMessage.user("Hi <|im_end|> there"), ChatMessage.assistant(r1.strip()),
                ChatMessage.user("And then?")), true, false), 6));
        String r3 = tok.decode(greedy(tok.encodeChat(List.of(sys, ChatMessage.user("Again")), true, false), 6));
        assertThat(out(buf)).contains(r1).contains(r2).contains("(conversation cleared)").contains(r3);
        assertThat(conv.stream().map(m -> m.role() + ":" + m.content()).toList())
                .containsExactly("system:Be brief.", "user:Again", "assistant:" + r3.strip());
    }

    @Test
    @DisplayName("serve --weights DIR: POST /v1/chat/completions on loopback answers the greedy reply; the model is named after the folder")
    void serve() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ChatServer server = Serve.start(Serve.parse(List.of("--weights", model.toString(), "--port", "0", "--threads", "1")),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String body = "{\"model\":\"tiny-qwen3\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi <|im_start|>\"}],\"temperature\":0,\"max_tokens\":7}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("v1/chat/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String want = tok.decode(greedy(tok.encodeChat(List.of(ChatMessage.user("Hi <|im_start|>")), true, false), 7));
            Map<String, Object> json = Json.parseObject(r.body(), "response");
            @SuppressWarnings("unchecked")
            Map<String, Object> msg = (Map<String, Object>) ((Map<String, Object>) ((List<?>) json.get("choices")).get(0)).get("message");
            assertThat(msg.get("content")).isEqualTo(want);
            assertThat(out(buf)).contains("Serving 'tiny-qwen3' (qwen3 chat format)");
        } finally {
            server.shutdown();
        }
    }

    @Test
    @DisplayName("missing weights or files: the message names the files, the folder and the Hugging Face repository")
    void missingFiles(@TempDir Path empty) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Generate.run(Generate.parse(List.of("--model", "llama3.2-1b")), quiet))
                .hasMessageContaining("needs --weights DIR").hasMessageContaining("meta-llama/Llama-3.2-1B-Instruct").hasMessageContaining("tokenizer.json");
        assertThatThrownBy(() -> Generate.run(Generate.parse(List.of("--model", "qwen3-0.6b", "--weights", empty.toString())), quiet))
                .hasMessageContaining(empty + ": missing config.json, model.safetensors").hasMessageContaining("Qwen/Qwen3-0.6B");
        assertThatThrownBy(() -> Generate.run(Generate.parse(List.of("--model", "qwen3-0.6b", "--weights", empty.resolve("nope").toString())), quiet))
                .hasMessageContaining("is not a folder").hasMessageContaining("Qwen/Qwen3-0.6B");
        // the tiny folder is not Qwen3-0.6B: config.json is checked against the name
        assertThatThrownBy(() -> Generate.run(Generate.parse(List.of("--model", "qwen3-0.6b", "--weights", model.toString())), quiet))
                .hasMessageContaining("does not describe qwen3-0.6b (Qwen/Qwen3-0.6B)");
        assertThatThrownBy(() -> Generate.parse(List.of("--model", "llama4"))).hasMessageContaining("--model must be one of gpt2, gpt2-medium");
        assertThatThrownBy(() -> Generate.run(Generate.parse(List.of("--weights", model.toString(), "--weights-format", "q8_0")), quiet))
                .hasMessageContaining("Q8_0: the row length 16 is not a multiple of 32");  // the tiny model's emb 16
        assertThatThrownBy(() -> Generate.parse(List.of("--gpt2", "gpt2", "--weights-format", "bf16"))).hasMessageContaining("--weights-format applies to a catalog model");
        assertThatThrownBy(() -> Serve.parse(List.of("--context", "8"))).hasMessageContaining("--context applies to a catalog model");
    }

    @Test
    @DisplayName("Llama 3 (tiny random model, 128,256 ids, the synthetic Llama-3-shaped vocabulary): generate starts with <|begin_of_text|>; chat uses the Instruct headers and stops at <|eot_id|>")
    void llama(@TempDir Path tmp) throws IOException {
        ScratchLLM.manualSeed(8);
        dev.scratchllm.llama.Llama3Config cfg = new dev.scratchllm.llama.Llama3Config(128_256, 64, 16, 2, 1, 32, 1, 500_000.0, null);
        dev.scratchllm.llama.Llama3Model m = new dev.scratchllm.llama.Llama3Model(cfg);
        Map<String, Tensor> hf = new LinkedHashMap<>();
        for (var e : m.stateDict().entrySet()) hf.put(HFWeights.llamaQwenName(e.getKey()), e.getValue());
        Path dir = Files.createDirectories(tmp.resolve("tiny-llama"));
        Safetensors.write(dir.resolve("model.safetensors"), hf);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"llama\",\"vocab_size\":128256,\"hidden_size\":16,\"num_attention_heads\":2,"
                + "\"num_hidden_layers\":1,\"num_key_value_heads\":1,\"max_position_embeddings\":64,\"rope_theta\":500000.0,\"intermediate_size\":32,"
                + "\"tie_word_embeddings\":false}", StandardCharsets.UTF_8);
        // Meta's vocabulary is not in the repository; the tokenizer tests' synthetic one has Llama 3.2's special tokens and pre-tokenizer
        Files.copy(dev.scratchllm.llama.Llama3TokenizerTest.syntheticFiles(tmp)[0], dir.resolve("tokenizer.json"));
        dev.scratchllm.llama.Llama3Model ref = dev.scratchllm.llama.Llama3Weights.load(dir, 0);
        dev.scratchllm.llama.Llama3Tokenizer lt = dev.scratchllm.llama.Llama3Tokenizer.load(dir);
        java.util.function.BiFunction<int[], Integer, int[]> greedy = (prompt, n) -> {
            long[] l = Arrays.stream(prompt).asLongStream().toArray();
            int[] all = CachedGeneration.generateTextSimple(ref, Tensor.ofLongs(l, 1, l.length), n, true).squeeze(0).toIntArray();
            int[] fresh = Arrays.copyOfRange(all, prompt.length, all.length);
            for (int i = 0; i < fresh.length; i++) if (fresh[i] == lt.eotId() || fresh[i] == lt.eosId()) return Arrays.copyOf(fresh, i);
            return fresh;
        };
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String text = Generate.run(Generate.parse(List.of("--weights", dir.toString(), "--prompt", "Once upon", "--max-new-tokens", "6", "--temperature", "0")), quiet);
        int[] prompt = lt.encode("Once upon", true, false);
        assertThat(prompt[0]).isEqualTo(lt.bosId());
        assertThat(text).isEqualTo("Once upon" + lt.decode(greedy.apply(prompt, 6)));
        List<dev.scratchllm.serve.ChatMessage> conv = Chat.run(Chat.parse(List.of("--weights", dir.toString(), "--temperature", "0", "--max-new-tokens", "5")),
                new ByteArrayInputStream("Hi <|eot_id|>\n".getBytes(StandardCharsets.UTF_8)), quiet);
        int[] chatIds = new dev.scratchllm.llama.Llama3ChatFormat(lt).encodeDialogPrompt(List.of(ChatMessage.user("Hi <|eot_id|>")));
        assertThat(Arrays.stream(chatIds).filter(i -> i == lt.eotId()).count()).isEqualTo(1); // the user's "<|eot_id|>" stays text
        assertThat(conv.get(1).content()).isEqualTo(lt.decode(greedy.apply(chatIds, 5)).strip());
    }
}

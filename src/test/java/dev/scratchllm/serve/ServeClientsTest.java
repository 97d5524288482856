package dev.scratchllm.serve;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.finetune.OllamaClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients nobody here wrote: LangChain4j's OpenAI and Ollama chat models (a blocking and a
 * streaming call each), and chapter 7's Ollama judge client, all pointed at our server. Each
 * answer must equal the book's greedy generate() on the Alpaca prompt.
 */
class ServeClientsTest {
    static ChatServer server;
    static String base; // http://127.0.0.1:PORT, no trailing slash
    static final String QUESTION = "Name a color.";
    static final List<String> LOG = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(TinyModel.options().withLimits(1 << 20, 12, 4096),
                List.of(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA))), LOG::add);
        base = server.uri().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String expected(int tokens) {
        String prompt = InstructionData.formatInput(new InstructionEntry(QUESTION, "", "")) + "\n\n### Response:\n";
        return ChatServerTest.reference(prompt, tokens, 0f, null, 0);
    }

    static ChatResponse stream(java.util.function.BiConsumer<String, StreamingChatResponseHandler> call, List<String> parts) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        call.accept(QUESTION, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                parts.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done.get(60, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("LangChain4j OpenAiChatModel (blocking) and OpenAiStreamingChatModel (SSE) get the greedy answer and the token usage")
    void langchain4jOpenAi() throws Exception {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(base + "/v1").apiKey("not-needed").modelName("tiny").temperature(0.0).maxTokens(8)
                .timeout(Duration.ofSeconds(60)).build();
        ChatResponse r = model.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from(QUESTION)).build());
        assertThat(r.aiMessage().text()).isEqualTo(expected(8));
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(8);
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(dev.scratchllm.tokenizer.GPT2Tokenizer.load()
                .encode(InstructionData.formatInput(new InstructionEntry(QUESTION, "", "")) + "\n\n### Response:\n").length);

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(base + "/v1").apiKey("not-needed").modelName("tiny")
                .temperature(0.0).maxTokens(8).timeout(Duration.ofSeconds(60)).build();
        List<String> parts = new CopyOnWriteArrayList<>();
        ChatResponse s = stream(streaming::chat, parts);
        assertThat(String.join("", parts)).isEqualTo(expected(8));
        assertThat(parts.size()).isGreaterThan(1); // it did arrive in pieces
        assertThat(s.aiMessage().text()).isEqualTo(expected(8));
    }

    @Test
    @DisplayName("LangChain4j OllamaChatModel (blocking) and OllamaStreamingChatModel (NDJSON) get the greedy answer")
    void langchain4jOllama() throws Exception {
        OllamaChatModel model = OllamaChatModel.builder().baseUrl(base).modelName("tiny").temperature(0.0).numPredict(8)
                .timeout(Duration.ofSeconds(60)).build();
        assertThat(model.chat(QUESTION)).isEqualTo(expected(8));

        OllamaStreamingChatModel streaming = OllamaStreamingChatModel.builder().baseUrl(base).modelName("tiny").temperature(0.0).numPredict(8)
                .timeout(Duration.ofSeconds(60)).build();
        List<String> parts = new CopyOnWriteArrayList<>();
        ChatResponse s = stream(streaming::chat, parts);
        assertThat(String.join("", parts)).isEqualTo(expected(8));
        assertThat(parts.size()).isGreaterThan(1);
        assertThat(s.aiMessage().text()).isEqualTo(expected(8));
        assertThat(s.tokenUsage().outputTokenCount()).isEqualTo(8);
    }

    @Test
    @DisplayName("blocking LangChain4j calls (OpenAI and Ollama) parse an answer that a heartbeat committed early and prefixed with spaces")
    void langchain4jBlockingAfterHeartbeat() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        // the first beat at once, then every 10 ms, against 15 ms a token: the 8-token answer follows a dozen spaces
        try (ChatServer s = ChatServer.start(TinyModel.options().withHeartbeat(Duration.ZERO, Duration.ofMillis(10)),
                List.of(new SlowBackend(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA)), 15)), log::add)) {
            String url = s.uri().toString().replaceAll("/$", "");
            OpenAiChatModel openAi = OpenAiChatModel.builder().baseUrl(url + "/v1").apiKey("not-needed").modelName("tiny").temperature(0.0).maxTokens(8)
                    .timeout(Duration.ofSeconds(60)).build();
            ChatResponse r = openAi.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                    .messages(dev.langchain4j.data.message.UserMessage.from(QUESTION)).build());
            assertThat(r.aiMessage().text()).isEqualTo(expected(8));
            assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(8);

            OllamaChatModel ollama = OllamaChatModel.builder().baseUrl(url).modelName("tiny").temperature(0.0).numPredict(8)
                    .timeout(Duration.ofSeconds(60)).build();
            assertThat(ollama.chat(QUESTION)).isEqualTo(expected(8));

            for (int i = 0; i < 500 && log.size() < 2; i++) Thread.sleep(10);
            assertThat(log).hasSize(2).allSatisfy(l -> assertThat(l).contains("\" 200 ").containsPattern("heartbeats=\\d+"));
            for (String l : log) assertThat(Integer.parseInt(l.replaceAll(".*heartbeats=(\\d+).*", "$1"))).as(l).isGreaterThan(2);
        }
    }

    @Test
    @DisplayName("a timeout after the heartbeat's 200: LangChain4j's blocking OpenAI and Ollama chat models fail on the error body (no silent empty answer)")
    void langchain4jLateError() throws Exception {
        try (ChatServer s = ChatServer.start(TinyModel.options().withTimes(Duration.ofMillis(800), Duration.ofSeconds(1))
                        .withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(50)),
                List.of(new SlowBackend(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA)), 20)), s2 -> { })) {
            String url = s.uri().toString().replaceAll("/$", "");
            OpenAiChatModel openAi = OpenAiChatModel.builder().baseUrl(url + "/v1").apiKey("not-needed").modelName("tiny").temperature(0.0).maxTokens(4000)
                    .timeout(Duration.ofSeconds(60)).maxRetries(0).build();
            // the body is {"error": {...}} behind the spaces: no choices, so LangChain4j 1.11 fails (it does not read the error's message)
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> openAi.chat(QUESTION))).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("choices()");
            OllamaChatModel ollama = OllamaChatModel.builder().baseUrl(url).modelName("tiny").temperature(0.0).numPredict(4000)
                    .timeout(Duration.ofSeconds(60)).maxRetries(0).build();
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ollama.chat(QUESTION))).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("message");
        }
    }

    @Test
    @DisplayName("chapter 7's OllamaClient (query_model: seed 123, temperature 0, num_ctx 2048) sees a running Ollama and gets the greedy answer")
    void chapter7Client() throws Exception {
        OllamaClient client = new OllamaClient(server.uri().resolve("/api/chat"), Duration.ofSeconds(60));
        assertThat(client.isRunning()).isTrue();
        assertThat(client.queryModel(QUESTION, "tiny")).isEqualTo(expected(12)); // no num_predict: the server's default, 12 here
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> client.queryModel(QUESTION, "llama3"))).hasMessageContaining("404")
                .hasMessageContaining("model 'llama3' not found");
    }
}

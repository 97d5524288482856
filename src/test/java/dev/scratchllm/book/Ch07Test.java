package dev.scratchllm.book;

import com.sun.net.httpserver.HttpServer;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.finetune.Collate;
import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionDataset;
import dev.scratchllm.finetune.InstructionDatasetWithMasking;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.finetune.InstructionTuning;
import dev.scratchllm.finetune.OllamaClient;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Json;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.Training;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Chapter 7, "Fine-tuning to follow instructions": data, prompt format, batching, training, responses, evaluation. */
@DisplayName("Chapter 7: Fine-tuning to follow instructions")
class Ch07Test {
    static final GPT2Tokenizer TOKENIZER = GPT2Tokenizer.load();

    static List<InstructionEntry> data() {
        assumeTrue(DataFiles.find(InstructionData.FILE).isPresent(), () -> "skipped: " + DataFiles.describeSearch(InstructionData.FILE));
        return InstructionData.load();
    }

    static final List<int[]> BATCH = List.of(new int[] {0, 1, 2, 3, 4}, new int[] {5, 6}, new int[] {7, 8, 9});

    // ==================================================================================== 7.2

    @Nested
    @DisplayName("7.2 Preparing a dataset for supervised instruction fine-tuning")
    class PreparingTheDataset {

        @Test
        @DisplayName("Listing 7.1: 1,100 entries; data[50] and data[999] (an empty input)")
        void load() {
            List<InstructionEntry> data = data();
            assertThat(data).hasSize(1100);
            assertThat(data.get(50)).isEqualTo(new InstructionEntry("Identify the correct spelling of the following word.", "Ocassion",
                    "The correct spelling is 'Occasion.'"));
            assertThat(data.get(999)).isEqualTo(new InstructionEntry("What is an antonym of 'complicated'?", "", "An antonym of 'complicated' is 'simple'."));
            assertThat(data.stream().filter(e -> e.input().isEmpty()).count()).isEqualTo(775);
        }

        @Test
        @DisplayName("Listing 7.2 format_input: the Alpaca prompt with an input section, and without one")
        void formatInput() {
            List<InstructionEntry> data = data();
            String withInput = InstructionData.formatInput(data.get(50)) + "\n\n### Response:\n" + data.get(50).output();
            assertThat(withInput).isEqualTo("""
                    Below is an instruction that describes a task. Write a response that appropriately completes the request.

                    ### Instruction:
                    Identify the correct spelling of the following word.

                    ### Input:
                    Ocassion

                    ### Response:
                    The correct spelling is 'Occasion.'""");
            assertThat(InstructionData.formatInput(data.get(999)) + InstructionData.PromptStyle.ALPACA.formatResponse(data.get(999))).isEqualTo("""
                    Below is an instruction that describes a task. Write a response that appropriately completes the request.

                    ### Instruction:
                    What is an antonym of 'complicated'?

                    ### Response:
                    An antonym of 'complicated' is 'simple'.""");
        }

        @Test
        @DisplayName("the split in file order: 935 training, 55 validation, 110 test entries")
        void split() {
            List<InstructionEntry> data = data();
            InstructionData.Split s = InstructionData.split(data);
            assertThat(s.train()).hasSize(935);
            assertThat(s.validation()).hasSize(55);
            assertThat(s.test()).hasSize(110);
            assertThat(s.test().get(0).instruction()).isEqualTo("Rewrite the sentence using a simile.");
            assertThat(s.validation().get(0).instruction()).isEqualTo("Convert the active sentence to passive: 'The chef cooks the meal every day.'");
        }

        @Test
        @DisplayName("the JSON reader is strict: malformed JSON, a non-list, a missing or mistyped field give errors that name the entry")
        void strictJson() {
            assertThatThrownBy(() -> InstructionData.parse("[{\"instruction\": \"a\", \"input\": \"\", \"output\": \"b\"", "x.json"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.json: malformed JSON");
            assertThatThrownBy(() -> InstructionData.parse("{\"instruction\": \"a\"}", "x.json"))
                    .hasMessageContaining("expected a JSON list of entries");
            assertThatThrownBy(() -> InstructionData.parse("[{\"instruction\": \"a\", \"output\": \"b\"}]", "x.json"))
                    .hasMessageContaining("entry 0 has no field \"input\"");
            assertThatThrownBy(() -> InstructionData.parse("[{\"instruction\": \"a\", \"input\": 3, \"output\": \"b\"}]", "x.json"))
                    .hasMessageContaining("entry 0, field \"input\" is a number, expected a string");
            assertThatThrownBy(() -> InstructionData.parse("[{\"instruction\": \"a\", \"input\": \"\", \"output\": \"b\", \"extra\": 1}]", "x.json"))
                    .hasMessageContaining("unknown field \"extra\"");
            assertThatThrownBy(() -> InstructionData.parse("[[]]", "x.json")).hasMessageContaining("entry 0 is a list");
        }
    }

    // ==================================================================================== 7.3

    @Nested
    @DisplayName("7.3 Organizing data into training batches")
    class TrainingBatches {

        @Test
        @DisplayName("custom_collate_draft_1 pads [0..4], [5, 6], [7, 8, 9] with 50256")
        void draft1() {
            assertThat(Collate.customCollateDraft1(BATCH).toString()).isEqualTo("""
                    tensor([[    0,     1,     2,     3,     4],
                            [    5,     6, 50256, 50256, 50256],
                            [    7,     8,     9, 50256, 50256]])""");
        }

        @Test
        @DisplayName("custom_collate_draft_2: targets are the inputs shifted by one")
        void draft2() {
            Tensor[] io = Collate.customCollateDraft2(BATCH);
            assertThat(io[0].toString()).isEqualTo("""
                    tensor([[    0,     1,     2,     3,     4],
                            [    5,     6, 50256, 50256, 50256],
                            [    7,     8,     9, 50256, 50256]])""");
            assertThat(io[1].toString()).isEqualTo("""
                    tensor([[    1,     2,     3,     4, 50256],
                            [    6, 50256, 50256, 50256, 50256],
                            [    8,     9, 50256, 50256, 50256]])""");
        }

        @Test
        @DisplayName("Listing 7.5 custom_collate_fn: every padding target after the first becomes -100")
        void customCollate() {
            Tensor[] io = Collate.customCollate(BATCH);
            assertThat(io[0].toString()).isEqualTo("""
                    tensor([[    0,     1,     2,     3,     4],
                            [    5,     6, 50256, 50256, 50256],
                            [    7,     8,     9, 50256, 50256]])""");
            assertThat(io[1].toString()).isEqualTo("""
                    tensor([[    1,     2,     3,     4, 50256],
                            [    6, 50256,  -100,  -100,  -100],
                            [    8,     9, 50256,  -100,  -100]])""");
            Tensor[] cut = Collate.customCollate(BATCH, 50256, -100, 3);
            assertThat(cut[0].shape()).containsExactly(3, 3);
            assertThat(cut[1].toString()).isEqualTo("""
                    tensor([[    1,     2,     3],
                            [    6, 50256,  -100],
                            [    8,     9, 50256]])""");
        }

        @Test
        @DisplayName("cross_entropy ignores -100: 1.1269 for two examples, 0.7936 for three, 1.1269 again when the third is -100")
        void ignoreIndex() {
            Tensor logits1 = tensor(new float[][] {{-1.0f, 1.0f}, {-0.5f, 1.5f}});
            Tensor loss1 = Functional.crossEntropy(logits1, tensor(new long[] {0, 1}));
            assertThat(loss1.detach().toString()).isEqualTo("tensor(1.1269)");
            Tensor logits2 = tensor(new float[][] {{-1.0f, 1.0f}, {-0.5f, 1.5f}, {-0.5f, 1.5f}});
            assertThat(Functional.crossEntropy(logits2, tensor(new long[] {0, 1, 1})).detach().toString()).isEqualTo("tensor(0.7936)");
            Tensor loss3 = Functional.crossEntropy(logits2, tensor(new long[] {0, 1, -100}));
            assertThat(loss3.item()).isEqualTo(loss1.item());
        }

        @Test
        @DisplayName("Exercise 7.2: masking the instruction sets its targets to -100 as well")
        void maskingInstructions() {
            InstructionEntry e = new InstructionEntry("Name the author of 'Pride and Prejudice'.", "", "Jane Austen.");
            var ds = new InstructionDatasetWithMasking(List.of(e), TOKENIZER);
            var item = ds.get(0);
            int instructionLength = TOKENIZER.encode(InstructionData.formatInput(e)).length;
            assertThat(item.instructionLength()).isEqualTo(instructionLength);
            Tensor[] io = Collate.customCollateWithMasking(List.of(item), 50256, -100, null);
            long[] targets = io[1].toLongArray();
            for (int i = 0; i < instructionLength - 1; i++) assertThat(targets[i]).isEqualTo(-100);
            assertThat(targets[instructionLength - 1]).isEqualTo(item.ids()[instructionLength]);
            assertThat(targets[targets.length - 1]).isEqualTo(50256);
        }

        @Test
        @DisplayName("Exercise 7.1: the Phi-3 prompt style <|user|> ... <|assistant|>:")
        void phi3Prompt() {
            InstructionEntry e = new InstructionEntry("Identify the correct spelling of the following word.", "Ocassion", "The correct spelling is 'Occasion.'");
            var style = InstructionData.PromptStyle.PHI3;
            assertThat(style.formatInput(e) + style.formatResponse(e)).isEqualTo("""
                    <|user|>
                    Identify the correct spelling of the following word.
                    Ocassion
                    <|assistant|>:
                    The correct spelling is 'Occasion.'""");
            var ds = new InstructionDataset(List.of(e), TOKENIZER, style);
            assertThat(TOKENIZER.decode(ds.get(0))).isEqualTo(style.formatInput(e) + style.formatResponse(e));
        }
    }

    // ==================================================================================== 7.4

    @Nested
    @DisplayName("7.4 Creating data loaders for an instruction dataset")
    class DataLoaders {
        /** The second dimension of each of the 116 training batches the book prints. */
        static final int[] BOOK_BATCH_LENGTHS = {61, 76, 73, 68, 65, 72, 80, 67, 62, 75, 62, 68, 67, 77, 69, 79, 71, 66, 83, 68, 80, 71, 69, 65, 68,
                60, 59, 69, 63, 65, 76, 66, 71, 91, 65, 64, 67, 66, 64, 65, 75, 89, 59, 88, 83, 83, 70, 65, 74, 76, 67, 75, 83, 69, 67, 60, 60, 66, 80,
                71, 61, 58, 71, 67, 68, 63, 87, 68, 64, 68, 71, 68, 71, 61, 65, 67, 65, 64, 60, 72, 64, 70, 57, 72, 64, 68, 62, 74, 80, 68, 70, 91, 61,
                66, 80, 81, 74, 82, 63, 83, 68, 67, 77, 91, 64, 61, 75, 64, 66, 78, 66, 64, 83, 66, 74, 69};

        @Test
        @DisplayName("116 training batches of 8 with the book's shapes (8, 61), (8, 76), ... (8, 69), and its last batch's first example")
        void trainLoader() {
            List<InstructionEntry> data = data();
            InstructionData.Split s = InstructionData.split(data);
            manualSeed(123);
            var train = new InstructionDataset(s.train(), TOKENIZER);
            var loader = new DataLoader<>(train, 8, true, true, Collate.customCollateFn(1024), null);
            assertThat(loader.size()).isEqualTo(116);
            List<Integer> lengths = new ArrayList<>();
            Tensor[] last = null;
            for (Tensor[] batch : loader) {
                assertThat(batch[0].size(0)).isEqualTo(8);
                assertThat(batch[1].shape()).containsExactly(batch[0].shape());
                lengths.add(batch[0].size(1));
                last = batch;
            }
            assertThat(lengths).containsExactly(Arrays.stream(BOOK_BATCH_LENGTHS).boxed().toArray(Integer[]::new));
            long[] inputs0 = last[0].select(0, 0).toLongArray(), targets0 = last[1].select(0, 0).toLongArray();
            assertThat(Arrays.copyOf(inputs0, 12)).containsExactly(21106, 318, 281, 12064, 326, 8477, 257, 4876, 13, 19430, 257, 2882);
            assertThat(Arrays.copyOfRange(inputs0, 50, 69)).containsExactly(198, 464, 5156, 318, 355, 13779, 355, 257, 4936, 13,
                    50256, 50256, 50256, 50256, 50256, 50256, 50256, 50256, 50256);
            assertThat(Arrays.copyOfRange(targets0, 50, 69)).containsExactly(464, 5156, 318, 355, 13779, 355, 257, 4936, 13, 50256,
                    -100, -100, -100, -100, -100, -100, -100, -100, -100);
        }
    }

    // ============================================================================ 7.5 to 7.7

    @Nested
    @DisplayName("7.5-7.7 Fine-tuning, extracting and saving responses (a small model)")
    class FineTuning {

        @Test
        @DisplayName("7.5 the response is the text after the prompt without \"### Response:\", stripped")
        void extractResponse() {
            String input = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
                    + "### Instruction:\nConvert the active sentence to passive: 'The chef cooks the meal every day.'";
            String generated = input + "\n\n### Response:\nThe meal is cooked every day by the chef.\n";
            assertThat(InstructionData.extractResponse(generated, input)).isEqualTo("The meal is cooked every day by the chef.");
            assertThat(InstructionData.extractResponse(input, input)).isEmpty();
        }

        @Test
        @DisplayName("7.6 train_model_simple on instruction batches: the validation loss falls; 7.7 the responses are extracted and saved")
        void shortRun(@TempDir Path tmp) throws IOException {
            List<InstructionEntry> data = new ArrayList<>();
            String[][] qa = {{"What is the capital of France?", "The capital of France is Paris."},
                    {"What is the opposite of hot?", "The opposite of hot is cold."},
                    {"Name a primary color.", "Red is a primary color."},
                    {"What is 2 plus 2?", "2 plus 2 is 4."}};
            for (int i = 0; i < 16; i++) data.add(new InstructionEntry(qa[i % 4][0], i % 8 < 4 ? "" : "Answer briefly.", qa[i % 4][1]));
            manualSeed(123);
            var trainLoader = new DataLoader<>(new InstructionDataset(data, TOKENIZER), 4, true, true, Collate.customCollateFn(null), null);
            var valLoader = new DataLoader<>(new InstructionDataset(data.subList(0, 8), TOKENIZER), 4, false, false, Collate.customCollateFn(null), null);
            GPTConfig cfg = new GPTConfig(50257, 128, 32, 2, 1, 0.0, false);
            GPTModel model = new GPTModel(cfg);
            double before = Training.calcLossLoader(valLoader, model, 2);
            AdamW optimizer = new AdamW(model.parameters(), 3e-3, 0.1);
            Training.History h = Training.trainModelSimple(model, trainLoader, valLoader, optimizer, new Training.Options(4, 4, 2, null, null));
            assertThat(h.valLosses().get(h.valLosses().size() - 1)).isLessThan(h.valLosses().get(0));
            assertThat(Training.calcLossLoader(valLoader, model, 2)).isLessThan(before);

            List<InstructionEntry> answered = InstructionTuning.generateResponses(model, TOKENIZER, data.subList(0, 2), 8, cfg.contextLength(),
                    InstructionData.PromptStyle.ALPACA, null);
            assertThat(answered).hasSize(2).allMatch(e -> e.modelResponse() != null);
            Path out = tmp.resolve("instruction-data-with-response.json");
            InstructionData.writeJson(out, answered);
            assertThat(InstructionData.load(out)).isEqualTo(answered);
        }

        @Test
        @DisplayName("instruction-data-with-response.json is written as json.dump(test_data, file, indent=4) writes it")
        void jsonLikePython() {
            InstructionEntry e = new InstructionEntry("Rewrite the sentence using a simile.", "The car is very fast.", "The car is as fast as lightning.",
                    "The car is as fast as a bullet. \u00e9\"\\");
            assertThat(InstructionData.toJson(List.of(e))).isEqualTo("""
                    [
                        {
                            "instruction": "Rewrite the sentence using a simile.",
                            "input": "The car is very fast.",
                            "output": "The car is as fast as lightning.",
                            "model_response": "The car is as fast as a bullet. \\u00e9\\"\\\\"
                        }
                    ]""");
        }
    }

    // ==================================================================================== 7.8

    @Nested
    @DisplayName("7.8 Evaluating the fine-tuned LLM with Ollama's REST API")
    class Evaluating {

        @Test
        @DisplayName("query_model posts model, messages and options (seed 123, temperature 0, num_ctx 2048) to /api/chat and joins the streamed pieces (a fake server on 127.0.0.1)")
        void queryModel() throws Exception {
            AtomicReference<String> request = new AtomicReference<>();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/api/chat", ex -> {
                request.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = ("{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"8\"},\"done\":false}\n"
                        + "{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"5\"},\"done\":false}\n"
                        + "{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}\n").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.createContext("/", ex -> {
                byte[] body = "Ollama is running".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
            try {
                OllamaClient ollama = new OllamaClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/chat"), Duration.ofSeconds(10));
                assertThat(ollama.isRunning()).isTrue();
                assertThat(ollama.queryModel("What do Llamas eat?", "llama3")).isEqualTo("85");
                @SuppressWarnings("unchecked")
                Map<String, Object> sent = (Map<String, Object>) Json.parse(request.get());
                assertThat(sent.get("model")).isEqualTo("llama3");
                assertThat(sent.get("messages")).isEqualTo(List.of(Map.of("role", "user", "content", "What do Llamas eat?")));
                assertThat(sent.get("options")).isEqualTo(Map.of("seed", 123L, "temperature", 0L, "num_ctx", 2048L));

                InstructionEntry e = new InstructionEntry("Name the author of 'Pride and Prejudice'.", "", "Jane Austen.",
                        "The author of 'Pride and Prejudice' is Jane Austen.");
                assertThat(OllamaClient.scoringPrompt(e)).isEqualTo("Given the input `" + InstructionData.formatInput(e)
                        + "` and correct output `Jane Austen.`, score the model response `The author of 'Pride and Prejudice' is Jane Austen.`"
                        + " on a scale from 0 to 100, where 100 is the best score. Respond with the integer number only.");
                assertThat(ollama.generateModelScores(List.of(e, e), "llama3", null)).containsExactly(85, 85);
            } finally {
                server.stop(0);
            }
        }

        @Test
        @DisplayName("no server: isRunning() is false and the message says how to start one; a query fails with a clear error")
        void noServer() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort(); // closed again: nothing listens there
            }
            OllamaClient ollama = new OllamaClient(URI.create("http://127.0.0.1:" + port + "/api/chat"), Duration.ofSeconds(5));
            assertThat(ollama.isRunning()).isFalse();
            assertThat(ollama.notRunningMessage()).contains("Ollama is not running at http://127.0.0.1:" + port + "/").contains("ollama serve");
            assertThatThrownBy(() -> ollama.queryModel("hi")).isInstanceOf(IOException.class).hasMessageContaining("cannot reach Ollama");
        }

        @Test
        @DisplayName("a real Ollama at localhost:11434 answers (skipped when none is running)")
        void realOllama() throws Exception {
            OllamaClient ollama = new OllamaClient();
            assumeTrue(ollama.isRunning(), ollama::notRunningMessage);
            String answer = ollama.queryModel("Respond with the integer number 7 only.");
            assertThat(answer).isNotBlank();
        }
    }
}

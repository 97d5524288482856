package dev.scratchllm.book;

import com.sun.net.httpserver.HttpServer;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.finetune.Classification;
import dev.scratchllm.finetune.LabeledText;
import dev.scratchllm.finetune.SmsMessage;
import dev.scratchllm.finetune.SpamData;
import dev.scratchllm.finetune.SpamDataset;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Download;
import dev.scratchllm.io.GPT2Download;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.io.Json;
import dev.scratchllm.io.Unzip;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Chapter 6, "Fine-tuning for classification": the SMS spam data the way the book prepares it,
 * the data loaders, the classifier surgery, loss and accuracy, training and {@code classify_review}.
 * The rows, indices and file checksums come from the book's own pandas code
 * ({@code scripts/make_spam_fixtures.py} wrote {@code fixtures/spam_split.json}).
 */
@DisplayName("Chapter 6: Fine-tuning for classification")
class Ch06Test {
    static final GPT2Tokenizer TOKENIZER = GPT2Tokenizer.load();

    static void assumeSpamData() {
        assumeTrue(DataFiles.find(SpamData.DATA_FILE).isPresent(), () -> "skipped: " + DataFiles.describeSearch(SpamData.DATA_FILE));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fixture() throws IOException {
        try (InputStream in = Ch06Test.class.getResourceAsStream("/fixtures/spam_split.json")) {
            assertThat(in).as("fixtures/spam_split.json (scripts/make_spam_fixtures.py)").isNotNull();
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "spam_split.json");
        }
    }

    @SuppressWarnings("unchecked")
    static List<Integer> ints(Object list) {
        List<Integer> out = new ArrayList<>();
        for (Object o : (List<Object>) list) out.add(((Long) o).intValue());
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<List<Object>> rows(Object list) {
        return (List<List<Object>>) list;
    }

    /** The book's data prepared once for the loader and model tests. */
    static SpamData.Split<LabeledText> bookSplit() {
        List<SmsMessage> df = SpamData.load();
        SpamData.Split<SmsMessage> s = SpamData.randomSplit(SpamData.createBalancedDataset(df), 0.7, 0.1);
        return new SpamData.Split<>(SpamData.toLabeled(s.train()), SpamData.toLabeled(s.validation()), SpamData.toLabeled(s.test()));
    }

    // ==================================================================================== 6.2

    @Nested
    @DisplayName("6.2 Preparing the dataset")
    class PreparingTheDataset {

        static byte[] zipOf(Map<String, byte[]> entries) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(bytes)) {
                for (var e : entries.entrySet()) {
                    z.putNextEntry(new ZipEntry(e.getKey()));
                    z.write(e.getValue());
                    z.closeEntry();
                }
            }
            return bytes.toByteArray();
        }

        @Test
        @DisplayName("Listing 6.1 download_and_unzip_spam_data: download, extract, rename to .tsv; a second call skips (a loopback server)")
        void downloadAndUnzip(@TempDir Path tmp) throws Exception {
            byte[] tsv = "ham\tOk lar... Joking wif u oni...\nspam\tFree entry in 2 a wkly comp\n".getBytes(StandardCharsets.UTF_8);
            byte[] zip = zipOf(Map.of("SMSSpamCollection", tsv, "readme", "readme".getBytes(StandardCharsets.UTF_8)));
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/sms.zip", ex -> {
                ex.sendResponseHeaders(200, zip.length);
                ex.getResponseBody().write(zip);
                ex.close();
            });
            server.start();
            try {
                URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sms.zip");
                Path extracted = tmp.resolve("sms_spam_collection");
                Path dataFile = extracted.resolve("SMSSpamCollection.tsv");
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                SpamData.downloadAndUnzipSpamData(url, tmp.resolve("sms_spam_collection.zip"), extracted, dataFile, new PrintStream(log, true, StandardCharsets.UTF_8));
                assertThat(Files.readAllBytes(dataFile)).isEqualTo(tsv);
                assertThat(extracted.resolve("readme")).exists();
                assertThat(log.toString(StandardCharsets.UTF_8)).contains("File downloaded and saved as " + dataFile);
                log.reset();
                SpamData.downloadAndUnzipSpamData(url, tmp.resolve("sms_spam_collection.zip"), extracted, dataFile, new PrintStream(log, true, StandardCharsets.UTF_8));
                assertThat(log.toString(StandardCharsets.UTF_8)).contains("already exists. Skipping download and extraction.");
                assertThat(SpamData.readSmsSpamCollection(dataFile)).containsExactly(
                        new SmsMessage(0, "ham", "Ok lar... Joking wif u oni..."), new SmsMessage(1, "spam", "Free entry in 2 a wkly comp"));
            } finally {
                server.stop(0);
            }
        }

        @Test
        @DisplayName("extraction refuses entries that escape the target folder (zip slip) and oversized entries")
        void zipSlipRefused(@TempDir Path tmp) throws Exception {
            Path evil = tmp.resolve("evil.zip");
            Files.write(evil, zipOf(Map.of("../outside.txt", "x".getBytes(StandardCharsets.UTF_8))));
            assertThatThrownBy(() -> Unzip.extractAll(evil, tmp.resolve("out"))).isInstanceOf(IOException.class).hasMessageContaining("zip slip");
            assertThat(tmp.resolve("outside.txt")).doesNotExist();
            Path absolute = tmp.resolve("abs.zip");
            Files.write(absolute, zipOf(Map.of("/etc/passwd-copy", "x".getBytes(StandardCharsets.UTF_8))));
            assertThatThrownBy(() -> Unzip.extractAll(absolute, tmp.resolve("out"))).isInstanceOf(IOException.class).hasMessageContaining("not a plain relative path");
            Path big = tmp.resolve("big.zip");
            Files.write(big, zipOf(Map.of("big.bin", new byte[5000])));
            assertThatThrownBy(() -> Unzip.extractAll(big, tmp.resolve("out"), new Unzip.Limits(10, 4096, 1 << 20)))
                    .isInstanceOf(IOException.class).hasMessageContaining("larger than the limit");
            assertThat(tmp.resolve("out/big.bin")).doesNotExist();
        }

        @Test
        @DisplayName("pd.read_csv(sep=\"\\t\"): 5,572 rows (4,825 ham, 747 spam) from 5,574 lines; the book's first and last rows")
        void readWithPandasQuoting() throws Exception {
            assumeSpamData();
            Map<String, Object> fx = fixture();
            List<SmsMessage> df = SpamData.load();
            assertThat(df).hasSize(5572);
            assertThat(df.stream().filter(m -> m.label().equals("ham")).count()).isEqualTo(4825);
            assertThat(df.stream().filter(m -> m.label().equals("spam")).count()).isEqualTo(747);
            assertThat(df.get(0).text()).startsWith("Go until jurong point, crazy.. Available only");
            assertThat(df.get(1)).isEqualTo(new SmsMessage(1, "ham", "Ok lar... Joking wif u oni..."));
            assertThat(df.get(5571)).isEqualTo(new SmsMessage(5571, "ham", "Rofl. Its true to its name"));
            List<List<Object>> first = rows(fx.get("first_rows")), last = rows(fx.get("last_rows"));
            for (int i = 0; i < 5; i++) {
                assertThat(df.get(i).label()).isEqualTo(first.get(i).get(0));
                assertThat(df.get(i).text()).isEqualTo(first.get(i).get(1));
                assertThat(df.get(5567 + i).text()).isEqualTo(last.get(i).get(1));
            }
            // the quoted message at row 5,081 runs over three physical lines, tabs and all
            List<List<Object>> multiline = rows(fx.get("multiline_rows"));
            assertThat(multiline).hasSize(1);
            assertThat(df.get(5081).text()).isEqualTo(multiline.get(0).get(1)).contains("\nham\tYeah, give me a call");
        }

        @Test
        @DisplayName("Listing 6.2 create_balanced_dataset: 747 ham + 747 spam, the ham rows pandas' sample(747, random_state=123) picks")
        void createBalancedDataset() throws Exception {
            assumeSpamData();
            List<SmsMessage> balanced = SpamData.createBalancedDataset(SpamData.load());
            assertThat(balanced).hasSize(1494);
            assertThat(balanced.subList(0, 747)).allMatch(m -> m.label().equals("ham"));
            assertThat(balanced.subList(747, 1494)).allMatch(m -> m.label().equals("spam"));
            List<Integer> index = balanced.subList(0, 747).stream().map(SmsMessage::index).toList();
            assertThat(index).isEqualTo(ints(fixture().get("ham_sample_index")));
            assertThat(index.subList(0, 5)).containsExactly(4307, 4138, 4831, 4461, 5440);
        }

        @Test
        @DisplayName("Listing 6.3 random_split(0.7, 0.1): 1,045 / 149 / 300 rows in the order of sample(frac=1, random_state=123)")
        void randomSplit() throws Exception {
            assumeSpamData();
            Map<String, Object> fx = fixture();
            SpamData.Split<SmsMessage> s = SpamData.randomSplit(SpamData.createBalancedDataset(SpamData.load()), 0.7, 0.1);
            assertThat(List.of(s.train().size(), s.validation().size(), s.test().size())).containsExactly(1045, 149, 300);
            List<Integer> order = new ArrayList<>();
            for (List<SmsMessage> part : List.of(s.train(), s.validation(), s.test())) for (SmsMessage m : part) order.add(m.index());
            assertThat(order).isEqualTo(ints(fx.get("shuffled_index")));
            assertThat(s.train().get(0).text()).isEqualTo("Dude how do you like the buff wind.");
            @SuppressWarnings("unchecked")
            Map<String, Object> firstRows = (Map<String, Object>) fx.get("first_rows_of_split");
            List<List<SmsMessage>> parts = List.of(s.train(), s.validation(), s.test());
            List<String> names = List.of("train.csv", "validation.csv", "test.csv");
            for (int p = 0; p < 3; p++) {
                List<List<Object>> expected = rows(firstRows.get(names.get(p)));
                for (int i = 0; i < 3; i++) {
                    assertThat((long) parts.get(p).get(i).labelId()).isEqualTo(expected.get(i).get(0));
                    assertThat(parts.get(p).get(i).text()).isEqualTo(expected.get(i).get(1));
                }
            }
        }

        @Test
        @DisplayName("train.csv, validation.csv, test.csv byte for byte as pandas' to_csv(index=None) writes them, and read back unchanged")
        void csvFiles(@TempDir Path tmp) throws Exception {
            assumeSpamData();
            @SuppressWarnings("unchecked")
            Map<String, Object> sha = (Map<String, Object>) fixture().get("csv_sha256");
            SpamData.Split<LabeledText> s = SpamData.prepare(tmp);
            assertThat(Download.sha256(tmp.resolve("train.csv"))).isEqualTo(sha.get("train.csv"));
            assertThat(Download.sha256(tmp.resolve("validation.csv"))).isEqualTo(sha.get("validation.csv"));
            assertThat(Download.sha256(tmp.resolve("test.csv"))).isEqualTo(sha.get("test.csv"));
            assertThat(SpamData.readCsv(tmp.resolve("train.csv"))).isEqualTo(s.train());
            assertThat(SpamData.readCsv(tmp.resolve("test.csv"))).isEqualTo(s.test());
        }
    }

    // ==================================================================================== 6.3

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("6.3 Creating data loaders")
    class CreatingDataLoaders {
        SpamDataset train, val, test;

        @BeforeAll
        void build() {
            if (DataFiles.find(SpamData.DATA_FILE).isEmpty()) return;
            SpamData.Split<LabeledText> s = bookSplit();
            train = new SpamDataset(s.train(), TOKENIZER, null, SpamDataset.PAD_TOKEN_ID);
            val = new SpamDataset(s.validation(), TOKENIZER, train.maxLength(), SpamDataset.PAD_TOKEN_ID);
            test = new SpamDataset(s.test(), TOKENIZER, train.maxLength(), SpamDataset.PAD_TOKEN_ID);
        }

        @Test
        @DisplayName("the padding token: tokenizer.encode(\"<|endoftext|>\", allowed_special) is [50256]")
        void paddingToken() {
            assertThat(TOKENIZER.encode("<|endoftext|>", Set.of("<|endoftext|>"))).containsExactly(50256);
        }

        @Test
        @DisplayName("Listing 6.4 SpamDataset: the longest training message has 120 tokens; shorter ones are padded with 50256")
        void spamDataset() {
            assumeSpamData();
            assertThat(train.maxLength()).isEqualTo(120);
            assertThat(val.maxLength()).isEqualTo(120);
            assertThat(test.maxLength()).isEqualTo(120);
            assertThat(List.of(train.size(), val.size(), test.size())).containsExactly(1045, 149, 300);
            int[] first = train.encodedText(0); // "Dude how do you like the buff wind."
            assertThat(first).hasSize(120);
            assertThat(java.util.Arrays.copyOf(first, 10)).containsExactly(TOKENIZER.encode("Dude how do you like the buff wind."));
            assertThat(first[10]).isEqualTo(50256);
            assertThat(first[119]).isEqualTo(50256);
            Tensor[] ex = train.get(0);
            assertThat(ex[0].shape()).containsExactly(120);
            assertThat(ex[1].shape()).isEmpty();
            assertThat(ex[1].itemLong()).isZero();
        }

        @Test
        @DisplayName("max_length truncates longer messages (and may exceed the training length)")
        void truncation() {
            List<LabeledText> rows = List.of(new LabeledText(1, "one two three four five six"), new LabeledText(0, "hi"));
            SpamDataset ds = new SpamDataset(rows, TOKENIZER, 3, 50256);
            assertThat(ds.encodedText(0)).containsExactly(505, 734, 1115);
            assertThat(ds.encodedText(1)).containsExactly(5303, 50256, 50256);
            assertThat(new SpamDataset(rows, TOKENIZER, null, 50256).maxLength()).isEqualTo(6);
        }

        @Test
        @DisplayName("Listing 6.5 loaders of batch 8: inputs (8, 120), labels (8); 130 training, 19 validation and 38 test batches")
        void loaders() {
            assumeSpamData();
            manualSeed(123);
            var trainLoader = DataLoader.of(train, 8, true, true);
            var valLoader = DataLoader.of(val, 8, false, false);
            var testLoader = DataLoader.of(test, 8, false, false);
            Tensor[] last = null;
            int n = 0;
            for (Tensor[] batch : trainLoader) {
                last = batch;
                n++;
            }
            assertThat(n).isEqualTo(130);
            assertThat(last[0].shape()).containsExactly(8, 120);
            assertThat(last[1].shape()).containsExactly(8);
            assertThat(List.of(trainLoader.size(), valLoader.size(), testLoader.size())).containsExactly(130, 19, 38);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("6.6 The book's untrained accuracies, explained without GPT-2's weights")
    class BookAccuracies {
        /** A "model" that answers spam for every message: logits (b, T, 2) favouring class 1. */
        static final class AlwaysSpam extends dev.scratchllm.nn.Module {
            @Override
            public Tensor forward(Tensor ids) {
                int b = ids.size(0), t = ids.size(1);
                float[] logits = new float[b * t * 2];
                for (int i = 1; i < logits.length; i += 2) logits[i] = 1f;
                return Tensor.of(logits, b, t, 2);
            }
        }

        @Test
        @DisplayName("answering \"spam\" for everything scores 46.25 % / 45.00 % / 48.75 % on the 10 seeded batches: the untrained GPT-2 classifier's numbers are the share of spam there")
        void alwaysSpam() {
            assumeSpamData();
            SpamData.Split<LabeledText> s = bookSplit();
            SpamDataset train = new SpamDataset(s.train(), TOKENIZER, null, 50256);
            manualSeed(123);
            var trainLoader = DataLoader.of(train, 8, true, true);
            var valLoader = DataLoader.of(new SpamDataset(s.validation(), TOKENIZER, 120, 50256), 8, false, false);
            var testLoader = DataLoader.of(new SpamDataset(s.test(), TOKENIZER, 120, 50256), 8, false, false);
            AlwaysSpam model = new AlwaysSpam();
            manualSeed(123); // "for reproducibility due to the shuffling in the training data loader"
            double trainAcc = Classification.calcAccuracyLoader(trainLoader, model, 10);
            double valAcc = Classification.calcAccuracyLoader(valLoader, model, 10);
            double testAcc = Classification.calcAccuracyLoader(testLoader, model, 10);
            assertThat(String.format("%.2f%% %.2f%% %.2f%%", trainAcc * 100, valAcc * 100, testAcc * 100)).isEqualTo("46.25% 45.00% 48.75%");
        }
    }

    // ============================================================================ 6.4 to 6.8

    /** The book's tiny test configuration ({@code --test_mode}): vocab 50257, context 120, emb 12, 1 layer, 2 heads, no dropout. */
    static final GPTConfig TINY = new GPTConfig(50257, 120, 12, 2, 1, 0.0, false);

    @Nested
    @DisplayName("6.5 Adding a classification head (a small model)")
    class AddingAClassificationHead {

        @Test
        @DisplayName("freeze all; after manual_seed(123) out_head = Linear(emb_dim, 2); unfreeze the last block and final_norm")
        void modelSurgery() {
            manualSeed(123);
            GPTModel model = new GPTModel(TINY.withSize(16, 2, 2));
            model.requiresGrad(false);
            assertThat(model.numTrainableParameters()).isZero();
            manualSeed(123);
            Linear head = new Linear(16, 2);
            model.setOutHead(head);
            model.trfBlock(-1).requiresGrad(true);
            model.finalNorm().requiresGrad(true);
            assertThat(model.outHead()).isSameAs(head);
            assertThat(model.stateDict()).containsKeys("out_head.weight", "out_head.bias");
            long lastBlock = model.trfBlock(1).numParameters();
            assertThat(model.numTrainableParameters()).isEqualTo(lastBlock + 2 * 16 + (16 * 2 + 2));
            assertThat(model.trfBlock(0).numTrainableParameters()).isZero();
            // the same head as a fresh manual_seed(123); Linear(16, 2)
            manualSeed(123);
            assertThat(head.weight().toFloatArray()).containsExactly(new Linear(16, 2).weight().toFloatArray());
            // prepareForClassification does the same in one call
            manualSeed(123);
            GPTModel other = new GPTModel(TINY.withSize(16, 2, 2));
            Classification.prepareForClassification(other, 2, 123, false);
            assertThat(other.numTrainableParameters()).isEqualTo(model.numTrainableParameters());
            assertThat(other.outHead().weight().toFloatArray()).containsExactly(head.weight().toFloatArray());
            Classification.prepareForClassification(other, 2, 123, true); // exercise 6.2: every layer trains
            assertThat(other.numTrainableParameters()).isEqualTo(other.numParameters());
        }

        @Test
        @DisplayName("\"Do you have time\" is tensor([[5211,  345,  423,  640]]); the outputs are (1, 4, 2), one row per token; argmax of the last is the class")
        void outputsPerToken() {
            manualSeed(123);
            GPTModel model = new GPTModel(TINY);
            Classification.prepareForClassification(model, 2, 123, false);
            Tensor inputs = Tensor.ofLongs(java.util.Arrays.stream(TOKENIZER.encode("Do you have time")).asLongStream().toArray(), 1, 4);
            assertThat(inputs.toString()).isEqualTo("tensor([[5211,  345,  423,  640]])");
            Tensor outputs;
            try (var g = noGrad()) {
                outputs = model.forward(inputs);
            }
            assertThat(outputs.shape()).containsExactly(1, 4, 2);
            Tensor lastToken = outputs.select(1, 3);
            assertThat(lastToken.shape()).containsExactly(1, 2);
            long label = lastToken.softmax(-1).argmax().itemLong();
            assertThat(label).isEqualTo(lastToken.argmax().itemLong()).isBetween(0L, 1L);
        }
    }

    @Nested
    @DisplayName("6.6 Calculating the classification loss and accuracy (a small model)")
    class LossAndAccuracy {

        @Test
        @DisplayName("calc_loss_batch is the cross entropy of the last token's logits; calc_accuracy_loader counts argmax hits")
        void lossAndAccuracyOnTheLastToken() {
            manualSeed(123);
            GPTModel model = new GPTModel(TINY);
            Classification.prepareForClassification(model, 2, 123, false);
            model.eval();
            List<LabeledText> rows = List.of(new LabeledText(0, "Hey, see you later"), new LabeledText(1, "WIN a FREE prize now, call 0800"),
                    new LabeledText(0, "ok"), new LabeledText(1, "Txt STOP to end"));
            SpamDataset ds = new SpamDataset(rows, TOKENIZER, null, 50256);
            var loader = DataLoader.of(ds, 2, false, false);
            Tensor[] batch = loader.iterator().next();
            Tensor logits;
            try (var g = noGrad()) {
                logits = model.forward(batch[0]).select(1, -1); // (2, 2)
            }
            Tensor expected = dev.scratchllm.nn.Functional.crossEntropy(logits, batch[1]);
            try (var g = noGrad()) {
                assertThat(Classification.calcLossBatch(batch[0], batch[1], model).item()).isEqualTo(expected.item());
                double first = Classification.calcLossBatch(batch[0], batch[1], model, Classification.FIRST_TOKEN).item();
                assertThat(first).isNotEqualTo((double) expected.item()); // exercise 6.3 looks at another position
            }
            long correct = 0;
            for (Tensor[] b : loader) {
                Tensor l;
                try (var g = noGrad()) {
                    l = model.forward(b[0]).select(1, -1);
                }
                long[] p = l.argmax(-1).toLongArray(), t = b[1].toLongArray();
                for (int i = 0; i < p.length; i++) if (p[i] == t[i]) correct++;
            }
            assertThat(Classification.calcAccuracyLoader(loader, model)).isEqualTo(correct / 4.0);
            assertThat(Classification.calcAccuracyLoader(loader, model, 1)).isBetween(0.0, 1.0);
            assertThat(model.isTraining()).isFalse();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("6.5-6.6 with the pretrained GPT-2 124M (skipped without its weights)")
    class WithGpt2Weights {
        GPTModel model;
        DataLoader<Tensor[], Tensor[]> trainLoader, valLoader, testLoader;

        @BeforeAll
        void load() throws IOException {
            Optional<Path> weights = GPT2Download.locate("gpt2");
            if (weights.isEmpty() || DataFiles.find(SpamData.DATA_FILE).isEmpty()) return;
            SpamData.Split<LabeledText> s = bookSplit();
            SpamDataset train = new SpamDataset(s.train(), TOKENIZER, null, 50256);
            manualSeed(123);
            trainLoader = DataLoader.of(train, 8, true, true);
            valLoader = DataLoader.of(new SpamDataset(s.validation(), TOKENIZER, 120, 50256), 8, false, false);
            testLoader = DataLoader.of(new SpamDataset(s.test(), TOKENIZER, 120, 50256), 8, false, false);
            model = GPT2Weights.load(weights.get(), GPT2Weights.config("gpt2"));
            Classification.prepareForClassification(model, 2, 123, false);
        }

        @AfterAll
        void release() {
            model = null;
        }

        @Test
        @DisplayName("6.6 the untrained classifier: training 46.25 %, validation 45.00 %, test 48.75 % on 10 batches")
        void initialAccuracies() {
            assumeTrue(model != null, () -> "skipped: the GPT-2 124M weights are not on this machine (" + GPT2Download.relativeName("gpt2")
                    + " in SCRATCHLLM_DATA or data/) or the spam data is missing");
            manualSeed(123);
            double trainAcc = Classification.calcAccuracyLoader(trainLoader, model, 10);
            double valAcc = Classification.calcAccuracyLoader(valLoader, model, 10);
            double testAcc = Classification.calcAccuracyLoader(testLoader, model, 10);
            assertThat(String.format("%.2f%% %.2f%% %.2f%%", trainAcc * 100, valAcc * 100, testAcc * 100)).isEqualTo("46.25% 45.00% 48.75%");
        }

        @Test
        @DisplayName("6.5 the trainable parameters: the last block, the final norm and the 2-class head")
        void trainableParameters() {
            assumeTrue(model != null, () -> "skipped: the GPT-2 124M weights are not on this machine");
            assertThat(model.numParameters()).isEqualTo(124_441_346L);
            assertThat(model.numTrainableParameters()).isEqualTo(7_087_872L + 2 * 768 + 768 * 2 + 2);
        }
    }

    @Nested
    @DisplayName("6.7 Fine-tuning the model on supervised data (a small model, short run)")
    class FineTuning {

        @Test
        @DisplayName("train_classifier_simple: the loss falls and the accuracy rises; losses, accuracies and examples seen as the book returns them")
        void shortRun() {
            List<LabeledText> rows = new ArrayList<>();
            String[] spam = {"WIN a FREE prize now! Call 09061701461 to claim", "URGENT! You have won a 1000 cash award. Txt CLAIM to 81010",
                    "Free entry to win FA Cup tickets, text FA to 87121", "Congratulations! Claim your free mobile phone now, call 0800",
                    "You are a winner! Reply WIN to 80086 for your 500 prize", "FREE ringtone! Text TONE to 85233 now"};
            String[] ham = {"Ok lar... Joking wif u oni...", "I'll be home in ten minutes", "Are we still on for dinner tonight?",
                    "Sorry, I'll call later", "Did you see the game yesterday?", "Can you pick up some milk on the way home"};
            for (int i = 0; i < 48; i++) rows.add(new LabeledText(i % 2, (i % 2 == 1 ? spam : ham)[(i / 2) % 6]));
            SpamDataset ds = new SpamDataset(rows, TOKENIZER, null, 50256);
            manualSeed(123);
            GPTModel model = new GPTModel(new GPTConfig(50257, 32, 32, 2, 1, 0.0, false));
            Classification.prepareForClassification(model, 2, 123, true);
            manualSeed(123);
            var trainLoader = DataLoader.of(ds, 8, true, true);
            var valLoader = DataLoader.of(ds, 8, false, false);
            double accBefore = Classification.calcAccuracyLoader(valLoader, model);
            AdamW optimizer = new AdamW(model.parameters(), 1e-3, 0.1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Classification.History h = Classification.trainClassifierSimple(model, trainLoader, valLoader, optimizer,
                    new Classification.Options(4, 6, 6, Classification.LAST_TOKEN, Classification.Listener.printing(new PrintStream(out, true, StandardCharsets.UTF_8))));
            assertThat(h.examplesSeen()).isEqualTo(4 * 6 * 8);
            assertThat(h.trainLosses()).hasSize(4).hasSameSizeAs(h.valLosses());
            assertThat(h.trainAccs()).hasSize(4).hasSameSizeAs(h.valAccs());
            assertThat(h.trainLosses().get(3)).isLessThan(h.trainLosses().get(0));
            assertThat(h.valLosses().get(3)).isLessThan(h.valLosses().get(0));
            double accAfter = Classification.calcAccuracyLoader(valLoader, model);
            assertThat(accAfter).isGreaterThan(accBefore).isGreaterThanOrEqualTo(0.9);
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Ep 1 (Step 000000): Train loss ").contains("Training accuracy: ")
                    .contains("| Validation accuracy: ");
            // 6.8 classify_review on the trained model
            assertThat(Classification.classifyReview("WIN a FREE prize now! Call 09061701461 to claim", model, TOKENIZER, ds.maxLength())).isEqualTo("spam");
            assertThat(Classification.classifyReview("Are we still on for dinner tonight?", model, TOKENIZER, ds.maxLength())).isEqualTo("not spam");
        }
    }
}

/*
 * SpamData: chapter 6's data preparation (section 6.2) for the SMS Spam Collection: download and
 * unzip the UCI archive (listing 6.1), read the tab-separated file with pandas' quoting rules,
 * undersample "ham" to the number of "spam" messages (create_balanced_dataset, listing 6.2),
 * shuffle and split 70/10/20 (random_split, listing 6.3), and write/read the train, validation
 * and test CSV files exactly as pandas does. The random choices reproduce pandas'
 * sample(random_state=123) (numpy's legacy RandomState), so the splits hold the book's rows.
 *
 * It does not tokenize (SpamDataset does) or build loaders.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.data.BookData;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.MissingDataFileException;
import dev.scratchllm.io.Csv;
import dev.scratchllm.io.PartFiles;
import dev.scratchllm.io.Unzip;
import dev.scratchllm.random.NumpyRandomState;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The SMS Spam Collection, prepared as in chapter 6.
 *
 * <pre>{@code
 * List<SmsMessage> df = SpamData.load();                           // 5,572 rows: 4,825 ham, 747 spam
 * List<SmsMessage> balanced = SpamData.createBalancedDataset(df);  // 747 + 747
 * SpamData.Split<SmsMessage> s = SpamData.randomSplit(balanced, 0.7, 0.1); // 1,045 / 149 / 300
 * SpamData.writeCsv(Path.of("train.csv"), SpamData.toLabeled(s.train()));
 * }</pre>
 *
 * <h2>Why 5,572 rows</h2>
 * The file has 5,574 lines, but the book reads it with {@code pd.read_csv(sep="\t")}, whose CSV
 * quoting joins a message that starts with {@code "} with the following lines up to the closing
 * quote: row 5,081 holds three physical lines. {@link #readSmsSpamCollection} applies the same
 * rules ({@link Csv}), so the row indices are pandas'.
 *
 * <h2>The book's random choices</h2>
 * {@code df[df["Label"] == "ham"].sample(747, random_state=123)} takes the ham rows at positions
 * {@code RandomState(123).permutation(4825)[:747]}, in that order;
 * {@code df.sample(frac=1, random_state=123)} orders the balanced rows by
 * {@code RandomState(123).permutation(1494)}. {@link NumpyRandomState} reproduces both.
 */
public final class SpamData {
    /** The book's download address (UCI Machine Learning Repository). */
    public static final String URL = "https://archive.ics.uci.edu/static/public/228/sms+spam+collection.zip";
    /** The book's backup address, used when the first one fails. */
    public static final String BACKUP_URL = "https://f001.backblazeb2.com/file/LLMs-from-scratch/sms%2Bspam%2Bcollection.zip";
    /** The data file's name below the data folders ({@code SCRATCHLLM_DATA}, the download cache, {@code data/}). */
    public static final String DATA_FILE = "sms_spam_collection/SMSSpamCollection";
    /** The book's name for the extracted file after its rename. */
    public static final String BOOK_DATA_FILE = "sms_spam_collection/SMSSpamCollection.tsv";
    /** SHA-256 of the file with LF line ends (477,907 bytes), whatever line ends the archive's copy has. */
    public static final String SHA256 = "7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d";
    /** The largest archive {@link #downloadAndUnzipSpamData} accepts. */
    public static final long MAX_ZIP_BYTES = 16L << 20;
    /** pandas' {@code random_state=123}. */
    public static final long SEED = 123;

    /**
     * Training, validation and test rows, in the shuffled order.
     *
     * @param <T> the type of a row
     * @param train the training rows
     * @param validation the validation rows
     * @param test the test rows
     */
    public record Split<T>(List<T> train, List<T> validation, List<T> test) {
        /** Copies the three lists into unmodifiable ones. */
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
            test = List.copyOf(test);
        }
    }

    private SpamData() {
    }

    // ------------------------------------------------------------------ download (listing 6.1)

    /**
     * The book's {@code download_and_unzip_spam_data(url, zip_path, extracted_path, data_file_path)}:
     * when {@code dataFilePath} is missing, downloads the archive to {@code zipPath} (at most
     * {@link #MAX_ZIP_BYTES}), extracts it into {@code extractedPath} (refusing entries that
     * would land outside it, see {@link Unzip}) and renames the extracted
     * {@code SMSSpamCollection} to {@code dataFilePath}. Returns {@code dataFilePath}.
     *
     * @param log where to print the book's messages, or null
     * @param url where to download the archive from
     * @param zipPath where to save the archive
     * @param extractedPath the folder to extract into
     * @param dataFilePath where the data file ends up
     * @return {@code dataFilePath}
     * @throws IOException when the download or the extraction fails, or the archive has no {@code SMSSpamCollection}
     */
    public static Path downloadAndUnzipSpamData(URI url, Path zipPath, Path extractedPath, Path dataFilePath, PrintStream log) throws IOException {
        if (Files.exists(dataFilePath)) {
            if (log != null) log.println(dataFilePath + " already exists. Skipping download and extraction.");
            return dataFilePath;
        }
        downloadTo(url, zipPath, MAX_ZIP_BYTES);
        Unzip.extractAll(zipPath, extractedPath);
        Path original = extractedPath.resolve("SMSSpamCollection");
        if (!Files.isRegularFile(original))
            throw new IOException(zipPath + ": the archive from " + url + " has no SMSSpamCollection file");
        if (!original.toAbsolutePath().normalize().equals(dataFilePath.toAbsolutePath().normalize())) {
            Files.createDirectories(dataFilePath.toAbsolutePath().getParent());
            Files.move(original, dataFilePath, StandardCopyOption.REPLACE_EXISTING);
        }
        if (log != null) log.println("File downloaded and saved as " + dataFilePath);
        return dataFilePath;
    }

    private static void downloadTo(URI url, Path target, long maxBytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
            // a deadline on every read, not only on the headers
            HttpResponse<InputStream> resp = dev.scratchllm.io.DeadlineBody.send(client, HttpRequest.newBuilder(url).GET(),
                    dev.scratchllm.io.Download.limits(maxBytes), "response from " + url.getHost());
            if (resp.statusCode() != 200) {
                resp.body().close();
                throw new IOException("could not download " + url + ": HTTP " + resp.statusCode());
            }
            long total = 0;
            try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    if (total > maxBytes) throw new IOException("could not download " + url + ": larger than the limit of " + maxBytes + " bytes");
                    out.write(buf, 0, n);
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            dev.scratchllm.io.AtomicFiles.readableByAll(target); // the .part was created owner-only
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("could not download")) throw e;
            throw new IOException("could not download " + url + ": " + dev.scratchllm.io.Download.reason(e), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The data file: found by {@link DataFiles} ({@value #DATA_FILE}, or the book's
     * {@value #BOOK_DATA_FILE}), or else downloaded from {@link #URL} (then {@link #BACKUP_URL})
     * into the per-user cache ({@link dev.scratchllm.data.DataCache}): the archive is fetched and
     * extracted in a scratch folder inside the cache, the extracted file is checked against
     * {@link #SHA256} (line ends normalised to LF), and only a verified file is moved into place
     * (atomically); the scratch folder is removed in every case.
     *
     * @return the path of the data file on disk
     * @throws MissingDataFileException when the file is not on disk and downloads are off
     *     ({@link BookData#OFFLINE_PROPERTY}), or it cannot be downloaded (the failure is the cause;
     *     the message says what to do)
     */
    public static Path locate() {
        DataFiles files = DataFiles.fromEnvironment();
        Optional<Path> p = files.locate(DATA_FILE).or(() -> files.locate(BOOK_DATA_FILE));
        if (p.isPresent()) return p.get();
        if (Boolean.getBoolean(BookData.OFFLINE_PROPERTY))
            throw new MissingDataFileException(DATA_FILE, "not found (" + files.searchDescription(DATA_FILE) + ") and downloads are off (-D"
                    + BookData.OFFLINE_PROPERTY + "=true)");
        return downloadInto(files.downloadDir(), List.of(URL, BACKUP_URL), files.searchDescription(DATA_FILE));
    }

    /**
     * Downloads the archive from the first address that works, verifies the extracted file and
     * moves it to {@code cacheDir/}{@value #DATA_FILE} atomically.
     *
     * @param cacheDir the download cache
     * @param urls the addresses to try in order
     * @param searched where the file was looked for, for the error message
     * @return the verified file in the cache
     * @throws MissingDataFileException when no address gives a verified file
     */
    static Path downloadInto(Path cacheDir, List<String> urls, String searched) {
        Path target = cacheDir.resolve(DATA_FILE);
        try {
            // under the folder's download lock: a second process waits, then finds the verified file
            return PartFiles.locked(target, () -> downloadLocked(target, urls));
        } catch (IOException first) {
            throw new MissingDataFileException(DATA_FILE, BookData.downloadFailed(urls.get(0), target, first)
                    + " (the archive holds SMSSpamCollection; save that file) [" + searched + "]", first);
        }
    }

    private static Path downloadLocked(Path target, List<String> urls) throws IOException {
        if (Files.isRegularFile(target)) return target; // another process finished it while we waited
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try (var old = Files.newDirectoryStream(dir, ".download-*")) { // scratch folders of killed runs
            for (Path p : old) if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) deleteTree(p);
        }
        IOException first = null;
        for (String url : urls) {
            Path work = null;
            try {
                work = Files.createTempDirectory(dir, ".download-");
                Path extracted = downloadAndUnzipSpamData(URI.create(url), work.resolve("sms_spam_collection.zip"),
                        work.resolve("extracted"), work.resolve("SMSSpamCollection"), null);
                String sha = sha256NormalizedLf(extracted);
                if (!sha.equals(SHA256))
                    throw new IOException("the archive from " + url + " holds an unexpected SMSSpamCollection (SHA-256 " + sha + ", expected " + SHA256 + ")");
                Files.move(extracted, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException | RuntimeException e) {
                IOException io = e instanceof IOException x ? x : new IOException(e);
                if (first == null) first = io;
                else first.addSuppressed(io);
            } finally {
                if (work != null) deleteTree(work);
            }
        }
        throw first;
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort: a scratch folder left behind holds no half-written data file
                }
            });
        } catch (IOException ignored) {
            // the folder is already gone
        }
    }

    static String sha256NormalizedLf(Path file) throws IOException {
        byte[] b = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * {@link #readSmsSpamCollection} of {@link #locate()}.
     *
     * @return the messages, in file order
     * @throws MissingDataFileException if the file is nowhere and cannot be downloaded
     * @throws UncheckedIOException if it cannot be read
     */
    public static List<SmsMessage> load() {
        try {
            return readSmsSpamCollection(locate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code pd.read_csv(path, sep="\t", header=None, names=["Label", "Text"])}: one
     * {@link SmsMessage} per row, with pandas' quote handling (see {@link Csv}).
     *
     * @param file the tab-separated file
     * @return the messages, in file order
     * @throws IOException if the file cannot be read, a quoted field never ends, or a row does
     *     not have exactly two fields
     */
    public static List<SmsMessage> readSmsSpamCollection(Path file) throws IOException {
        List<List<String>> rows = Csv.read(file, '\t');
        List<SmsMessage> out = new ArrayList<>(rows.size());
        for (List<String> r : rows) {
            if (r.size() != 2)
                throw new IOException(file + ": row " + out.size() + " has " + r.size() + " fields, expected 2 (label, text): " + abbreviate(String.join("\\t", r)));
            out.add(new SmsMessage(out.size(), r.get(0), r.get(1)));
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    // ------------------------------------------------------------------ balancing and splitting

    /**
     * {@link #createBalancedDataset(List, long)} with the book's {@code random_state=123}.
     *
     * @param df the messages
     * @return the balanced rows: the sampled "ham" rows, then every "spam" row
     */
    public static List<SmsMessage> createBalancedDataset(List<SmsMessage> df) {
        return createBalancedDataset(df, SEED);
    }

    /**
     * The book's {@code create_balanced_dataset(df)} (listing 6.2): as many "ham" rows as there
     * are "spam" rows, drawn as pandas' {@code sample(num_spam, random_state=seed)} does, followed
     * by all "spam" rows in file order ({@code pd.concat([ham_subset, spam])}).
     *
     * @param df the messages
     * @param seed pandas' {@code random_state}
     * @return the balanced rows: the sampled "ham" rows, then every "spam" row
     */
    public static List<SmsMessage> createBalancedDataset(List<SmsMessage> df, long seed) {
        List<SmsMessage> ham = new ArrayList<>(), spam = new ArrayList<>();
        for (SmsMessage m : df) {
            if (m.label().equals("spam")) spam.add(m);
            else if (m.label().equals("ham")) ham.add(m);
        }
        int[] take = new NumpyRandomState(seed).choiceWithoutReplacement(ham.size(), spam.size());
        List<SmsMessage> out = new ArrayList<>(2 * spam.size());
        for (int i : take) out.add(ham.get(i));
        out.addAll(spam);
        return out;
    }

    /**
     * {@link #randomSplit(List, double, double, long)} with the book's {@code random_state=123}.
     *
     * @param <T> the type of a row
     * @param df the rows
     * @param trainFrac the fraction for training
     * @param validationFrac the fraction for validation
     * @return the three parts
     */
    public static <T> Split<T> randomSplit(List<T> df, double trainFrac, double validationFrac) {
        return randomSplit(df, trainFrac, validationFrac, SEED);
    }

    /**
     * The book's {@code random_split(df, train_frac, validation_frac)} (listing 6.3): shuffle all
     * rows as {@code df.sample(frac=1, random_state=seed)} does, then cut at
     * {@code int(n * train_frac)} and {@code + int(n * validation_frac)}; the rest is the test set.
     * For the balanced 1,494 rows and (0.7, 0.1): 1,045 / 149 / 300.
     *
     * @param <T> the type of a row
     * @param df the rows
     * @param trainFrac the fraction for training, at least 0
     * @param validationFrac the fraction for validation, at least 0; the two add up to at most 1
     * @param seed pandas' {@code random_state}
     * @return the three parts
     * @throws IllegalArgumentException if the fractions are out of range
     */
    public static <T> Split<T> randomSplit(List<T> df, double trainFrac, double validationFrac, long seed) {
        if (!(trainFrac >= 0 && validationFrac >= 0 && trainFrac + validationFrac <= 1))
            throw new IllegalArgumentException("randomSplit: need 0 <= train_frac, validation_frac and train_frac + validation_frac <= 1, got "
                    + trainFrac + ", " + validationFrac);
        int n = df.size();
        int[] order = new NumpyRandomState(seed).permutation(n);
        List<T> shuffled = new ArrayList<>(n);
        for (int i : order) shuffled.add(df.get(i));
        int trainEnd = (int) (n * trainFrac);
        int validationEnd = trainEnd + (int) (n * validationFrac);
        return new Split<>(shuffled.subList(0, trainEnd), shuffled.subList(trainEnd, validationEnd), shuffled.subList(validationEnd, n));
    }

    /**
     * {@code balanced_df["Label"].map({"ham": 0, "spam": 1})}.
     *
     * @param rows the messages
     * @return the rows with labels 0 ("ham") or 1 ("spam")
     */
    public static List<LabeledText> toLabeled(List<SmsMessage> rows) {
        List<LabeledText> out = new ArrayList<>(rows.size());
        for (SmsMessage m : rows) out.add(m.toLabeled());
        return out;
    }

    // ------------------------------------------------------------------ CSV files

    /**
     * {@code df.to_csv(file, index=None)}: the header {@code Label,Text}, then one row each, byte for byte
     * as pandas writes it.
     *
     * @param file the file to write; folders are created
     * @param rows the labelled rows
     * @throws IOException if the file cannot be written
     */
    public static void writeCsv(Path file, List<LabeledText> rows) throws IOException {
        List<List<String>> recs = new ArrayList<>(rows.size() + 1);
        recs.add(List.of("Label", "Text"));
        for (LabeledText r : rows) recs.add(List.of(Integer.toString(r.label()), r.text()));
        Csv.write(file, recs, ',');
    }

    /**
     * {@code pd.read_csv(file)} of a file {@link #writeCsv} (or the book) wrote.
     *
     * @param file the CSV file
     * @return the rows, in file order
     * @throws IOException if the header is not {@code Label,Text}, a row has another number of
     *     fields, or a label is not a non-negative integer
     */
    public static List<LabeledText> readCsv(Path file) throws IOException {
        List<List<String>> recs = Csv.read(file, ',');
        if (recs.isEmpty() || !recs.get(0).equals(List.of("Label", "Text")))
            throw new IOException(file + ": expected the header Label,Text, found " + (recs.isEmpty() ? "an empty file" : recs.get(0)));
        List<LabeledText> out = new ArrayList<>(recs.size() - 1);
        for (int i = 1; i < recs.size(); i++) {
            List<String> r = recs.get(i);
            if (r.size() != 2) throw new IOException(file + ": row " + i + " has " + r.size() + " fields, expected 2");
            int label;
            try {
                label = Integer.parseInt(r.get(0));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": row " + i + " has the label \"" + r.get(0) + "\", expected an integer");
            }
            if (label < 0) throw new IOException(file + ": row " + i + " has the negative label " + label);
            out.add(new LabeledText(label, r.get(1)));
        }
        return out;
    }

    /**
     * Section 6.2 end to end: {@link #load}, {@link #createBalancedDataset}, {@link #randomSplit}
     * (0.7, 0.1), written to {@code train.csv}, {@code validation.csv} and {@code test.csv} in
     * {@code dir}. Returns the split.
     *
     * @param dir the folder for the three CSV files
     * @return the training, validation and test rows
     * @throws IOException if a file cannot be written
     * @throws MissingDataFileException if the data file is nowhere and cannot be downloaded
     * @throws UncheckedIOException if it cannot be read
     */
    public static Split<LabeledText> prepare(Path dir) throws IOException {
        Split<SmsMessage> s = randomSplit(createBalancedDataset(load()), 0.7, 0.1);
        Split<LabeledText> l = new Split<>(toLabeled(s.train()), toLabeled(s.validation()), toLabeled(s.test()));
        writeCsv(dir.resolve("train.csv"), l.train());
        writeCsv(dir.resolve("validation.csv"), l.validation());
        writeCsv(dir.resolve("test.csv"), l.test());
        return l;
    }
}

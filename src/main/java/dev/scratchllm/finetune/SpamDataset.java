/*
 * SpamDataset: the book's SpamDataset (listing 6.4): pre-tokenises every message with GPT-2's
 * BPE, fixes one length for all (the longest training message, 120 tokens for the book's split,
 * or a given max_length, truncating longer messages), right-pads with <|endoftext|> (50256) and
 * serves (token ids, label) pairs for a DataLoader.
 *
 * It does not shuffle or batch (DataLoader does) and keeps no tensors between calls.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code SpamDataset(csv_file, tokenizer, max_length=None, pad_token_id=50256)}.
 *
 * <p>{@link #get(int)} returns {@code {ids, label}}: int64 ids of shape {@code (maxLength)} and
 * an int64 scalar label of shape {@code ()}, so the default collate stacks a batch of 8 into
 * {@code (8, 120)} inputs and {@code (8)} labels, as in the book.
 *
 * <pre>{@code
 * var train = new SpamDataset(Path.of("train.csv"), tokenizer);                  // maxLength() == 120
 * var val = new SpamDataset(Path.of("validation.csv"), tokenizer, train.maxLength());
 * }</pre>
 */
public class SpamDataset implements Dataset<Tensor[]> {
    /** The book's padding token, {@code <|endoftext|>}. */
    public static final int PAD_TOKEN_ID = 50256;

    private final List<LabeledText> data;
    private final int[][] encodedTexts;
    private final int maxLength;

    /**
     * {@code SpamDataset(csv_file, tokenizer)}: the length is the longest message's.
     *
     * @param csvFile the CSV file with {@code Label,Text} rows
     * @param tokenizer the GPT-2 tokenizer
     * @throws IOException if the file cannot be read or is malformed
     */
    public SpamDataset(Path csvFile, GPT2Tokenizer tokenizer) throws IOException {
        this(csvFile, tokenizer, null, PAD_TOKEN_ID);
    }

    /**
     * {@code SpamDataset(csv_file, tokenizer, max_length)}; {@code maxLength} null means the longest
     * message's length.
     *
     * @param csvFile the CSV file with {@code Label,Text} rows
     * @param tokenizer the GPT-2 tokenizer
     * @param maxLength the common length, or null
     * @throws IOException if the file cannot be read or is malformed
     */
    public SpamDataset(Path csvFile, GPT2Tokenizer tokenizer, Integer maxLength) throws IOException {
        this(csvFile, tokenizer, maxLength, PAD_TOKEN_ID);
    }

    /**
     * {@code SpamDataset(csv_file, tokenizer, max_length, pad_token_id)}, reading the CSV as
     * {@code pd.read_csv} does.
     *
     * @param csvFile the CSV file with {@code Label,Text} rows
     * @param tokenizer the GPT-2 tokenizer
     * @param maxLength the common length, or null
     * @param padTokenId the padding id
     * @throws IOException if the file cannot be read or is malformed
     */
    public SpamDataset(Path csvFile, GPT2Tokenizer tokenizer, Integer maxLength, int padTokenId) throws IOException {
        this(SpamData.readCsv(csvFile), tokenizer, maxLength, padTokenId);
    }

    /**
     * The data set over rows already in memory.
     *
     * @param maxLength the common length (longer messages are truncated), or null for the longest message's length
     * @param data the labelled rows
     * @param tokenizer the GPT-2 tokenizer
     * @param padTokenId the id appended to shorter messages
     * @throws IllegalArgumentException if {@code maxLength < 1}, or a message contains {@code <|endoftext|>}
     */
    public SpamDataset(List<LabeledText> data, GPT2Tokenizer tokenizer, Integer maxLength, int padTokenId) {
        if (maxLength != null && maxLength < 1) throw new IllegalArgumentException("SpamDataset: max_length must be positive, got " + maxLength);
        this.data = List.copyOf(data);
        int[][] enc = new int[this.data.size()][];
        for (int i = 0; i < enc.length; i++) enc[i] = tokenizer.encode(this.data.get(i).text()); // pre-tokenize texts
        int len;
        if (maxLength == null) {
            len = longestEncodedLength(enc);
        } else {
            len = maxLength;
            for (int i = 0; i < enc.length; i++) if (enc[i].length > len) enc[i] = Arrays.copyOf(enc[i], len); // truncate
        }
        for (int i = 0; i < enc.length; i++) { // pad to the common length
            int n = enc[i].length;
            enc[i] = Arrays.copyOf(enc[i], len);
            Arrays.fill(enc[i], n, len, padTokenId);
        }
        this.encodedTexts = enc;
        this.maxLength = len;
    }

    private static int longestEncodedLength(int[][] enc) {
        int max = 0;
        for (int[] e : enc) max = Math.max(max, e.length);
        return max;
    }

    /**
     * The common length of every example (the book's {@code train_dataset.max_length}).
     *
     * @return the length, in tokens
     */
    public int maxLength() {
        return maxLength;
    }

    @Override
    public int size() {
        return data.size();
    }

    /** {@code (ids (maxLength) int64, label () int64)}. */
    @Override
    public Tensor[] get(int index) {
        int[] e = encodedTexts[index];
        long[] ids = new long[e.length];
        for (int i = 0; i < e.length; i++) ids[i] = e[i];
        return new Tensor[] {Tensor.ofLongs(ids, e.length), Tensor.ofLongs(new long[] {data.get(index).label()})};
    }

    /**
     * The padded token ids of example {@code index} (a copy).
     *
     * @param index the example's index
     * @return a new array of {@link #maxLength()} ids
     */
    public int[] encodedText(int index) {
        return encodedTexts[index].clone();
    }

    /**
     * The label of example {@code index}.
     *
     * @param index the example's index
     * @return the class label
     */
    public int label(int index) {
        return data.get(index).label();
    }

    /**
     * The rows, as read.
     *
     * @return an unmodifiable list of the rows
     */
    public List<LabeledText> data() {
        return data;
    }

    /**
     * The labels in order.
     *
     * @return a new list of the labels
     */
    public List<Integer> labels() {
        List<Integer> out = new ArrayList<>(data.size());
        for (LabeledText t : data) out.add(t.label());
        return out;
    }
}

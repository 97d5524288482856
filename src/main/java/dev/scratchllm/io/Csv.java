/*
 * Csv: reads and writes delimited text the way pandas does by default (read_csv's C parser with
 * quotechar '"', doublequote, no escape char, blank lines skipped; to_csv's QUOTE_MINIMAL with
 * '\n' line ends), which is also Python's csv module with the "excel" dialect. Chapter 6 needs
 * both: the SMS Spam Collection is read with pd.read_csv(sep="\t"), and its train/validation/test
 * splits are written with to_csv and read back.
 *
 * It does not guess types (every field is a String), convert pandas' NA strings ("NA", "null",
 * ...) into missing values, handle escape characters, other quote modes or encodings than UTF-8.
 */
package dev.scratchllm.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Delimited text with pandas' default quoting rules.
 *
 * <p><b>Reading</b> ({@link #parse}): a field that <em>starts</em> with {@code "} is quoted: it
 * runs to the next lone {@code "}, and may contain delimiters, tabs and line breaks;
 * {@code ""} inside it is one quote; characters after the closing quote are appended to the field
 * (Python's non-strict mode, pandas' C parser). A {@code "} anywhere else is an ordinary
 * character. {@code \n}, {@code \r} and {@code \r\n} end a record; empty lines are skipped
 * (pandas' {@code skip_blank_lines=True}). An unterminated quoted field is an error, as in
 * pandas ("EOF inside string").
 *
 * <p>This is why the SMS Spam Collection has 5,574 lines but pandas (and the book) see 5,572
 * rows: one message starts with a quote that is closed only two lines later.
 *
 * <p><b>Writing</b> ({@link #format}): pandas' {@code to_csv(index=None)}, i.e. Python's
 * {@code csv.writer} with {@code QUOTE_MINIMAL} and {@code lineterminator="\n"}: a field is
 * quoted when it contains the delimiter, a quote, {@code \n} or {@code \r} (quotes doubled
 * inside), or when it is the only field of a row and empty.
 */
public final class Csv {
    /** The largest file {@link #read} accepts (the book's files are under 1 MB). */
    public static final long MAX_FILE_BYTES = 256L << 20;

    private Csv() {
    }

    /**
     * Reads a UTF-8 file with {@link #parse}.
     *
     * @param file the file
     * @param delimiter the field separator
     * @return the records, each a list of fields
     * @throws IOException if the file cannot be read, is larger than {@link #MAX_FILE_BYTES}, or is malformed
     */
    public static List<List<String>> read(Path file, char delimiter) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES)
            throw new IOException(file + ": " + size + " bytes is more than the " + MAX_FILE_BYTES + " bytes a CSV file may have here");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parse(text, delimiter, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Splits {@code text} into records of fields (see the class comment for the rules).
     *
     * @param source named in error messages
     * @param text the CSV text
     * @param delimiter the field separator; not a quote or a line break
     * @return the records, each a list of fields
     * @throws IllegalArgumentException for a quoted field that is never closed
     */
    public static List<List<String>> parse(String text, char delimiter, String source) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
            throw new IllegalArgumentException("Csv.parse: the delimiter cannot be a quote or a line break");
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        final int startRecord = 0, startField = 1, inField = 2, inQuoted = 3, quoteInQuoted = 4;
        int state = startRecord;
        int line = 1, quoteLine = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean eol = c == '\n' || c == '\r';
            switch (state) {
                case startRecord, startField -> {
                    if (eol) {
                        if (state == startField) record.add("");
                        i = endOfLine(text, i);
                        line++;
                        if (!record.isEmpty()) records.add(record);
                        record = new ArrayList<>();
                        state = startRecord;
                    } else if (c == '"') {
                        state = inQuoted;
                        quoteLine = line;
                    } else if (c == delimiter) {
                        record.add("");
                        state = startField;
                    } else {
                        field.append(c);
                        state = inField;
                    }
                }
                case inField -> {
                    if (eol) {
                        record.add(field.toString());
                        field.setLength(0);
                        i = endOfLine(text, i);
                        line++;
                        records.add(record);
                        record = new ArrayList<>();
                        state = startRecord;
                    } else if (c == delimiter) {
                        record.add(field.toString());
                        field.setLength(0);
                        state = startField;
                    } else field.append(c);
                }
                case inQuoted -> {
                    if (c == '"') state = quoteInQuoted;
                    else {
                        if (c == '\n') line++;
                        field.append(c);
                    }
                }
                default -> { // quoteInQuoted
                    if (c == '"') {
                        field.append('"'); // "" is one quote
                        state = inQuoted;
                    } else if (c == delimiter) {
                        record.add(field.toString());
                        field.setLength(0);
                        state = startField;
                    } else if (eol) {
                        record.add(field.toString());
                        field.setLength(0);
                        i = endOfLine(text, i);
                        line++;
                        records.add(record);
                        record = new ArrayList<>();
                        state = startRecord;
                    } else {
                        field.append(c); // text after the closing quote joins the field
                        state = inField;
                    }
                }
            }
        }
        if (state == inQuoted)
            throw new IllegalArgumentException(source + ": EOF inside string starting at line " + quoteLine
                    + " (a field that starts with \" is never closed)");
        if (state != startRecord) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    private static int endOfLine(String text, int i) {
        return text.charAt(i) == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 1 : i;
    }

    /**
     * Formats records as pandas' {@code to_csv} writes them (see the class comment); each record ends with
     * {@code \n}.
     *
     * @param records the records, each a list of fields
     * @param delimiter the field separator
     * @return the CSV text
     */
    public static String format(List<List<String>> records, char delimiter) {
        StringBuilder sb = new StringBuilder();
        for (List<String> r : records) {
            for (int i = 0; i < r.size(); i++) {
                if (i > 0) sb.append(delimiter);
                String f = r.get(i);
                boolean quote = (r.size() == 1 && f.isEmpty()) || f.indexOf(delimiter) >= 0 || f.indexOf('"') >= 0
                        || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0;
                if (quote) sb.append('"').append(f.replace("\"", "\"\"")).append('"');
                else sb.append(f);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes {@link #format} as UTF-8, atomically (a temporary file, then a rename).
     *
     * @param file the file to write; folders are created
     * @param records the records, each a list of fields
     * @param delimiter the field separator
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, List<List<String>> records, char delimiter) throws IOException {
        AtomicFiles.writeString(file, format(records, delimiter));
    }
}

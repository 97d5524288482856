// Readers for the two ways GPT-2's BPE ranks are published.
// It does: parse tiktoken's ".tiktoken" format (one "<base64 bytes> <rank>" per line), and OpenAI's
// original pair encoder.json + vocab.bpe, checking that the two agree as tiktoken does.
// It does not: cache, or build the lookup table (TokenTable does that).
package dev.scratchllm.tokenizer;

import dev.scratchllm.io.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Parsers for BPE rank files; every error names the file and the line or field. */
final class RankFiles {
    private RankFiles() {}

    /** Ranks plus special tokens, as read from OpenAI's files. */
    record Gpt2Vocab(List<byte[]> ranks, Map<String, Integer> specialTokens) {}

    /**
     * Parses a {@code .tiktoken} file: non-empty lines {@code <base64> <rank>}, with ranks
     * {@code 0..n-1}, each once.
     *
     * @return the token bytes indexed by rank
     */
    static List<byte[]> readTiktoken(byte[] content, String source) {
        List<byte[]> byRank = new ArrayList<>(50_257);
        Base64.Decoder b64 = Base64.getDecoder();
        int line = 0;
        int pos = 0;
        while (pos < content.length) {
            line++;
            int eol = pos;
            while (eol < content.length && content[eol] != '\n') eol++;
            int end = eol > pos && content[eol - 1] == '\r' ? eol - 1 : eol;
            if (end > pos) {
                int space = -1;
                for (int i = pos; i < end; i++) {
                    if (content[i] == ' ') {
                        space = i;
                        break;
                    }
                }
                if (space <= pos || space == end - 1) throw badLine(source, line, content, pos, end, "expected \"<base64 token> <rank>\"");
                byte[] token;
                try {
                    token = b64.decode(Arrays.copyOfRange(content, pos, space));
                } catch (IllegalArgumentException e) {
                    throw badLine(source, line, content, pos, end, "the token is not valid base64");
                }
                int rank = 0;
                for (int i = space + 1; i < end; i++) {
                    int d = content[i] - '0';
                    if (d < 0 || d > 9 || rank > 100_000_000) throw badLine(source, line, content, pos, end, "the rank is not a non-negative integer");
                    rank = rank * 10 + d;
                }
                if (rank != byRank.size()) {
                    throw badLine(source, line, content, pos, end, "rank " + rank + " where rank " + byRank.size() + " was expected (ranks must be 0, 1, 2, ... in order)");
                }
                if (token.length == 0) throw badLine(source, line, content, pos, end, "the token is empty");
                byRank.add(token);
            }
            pos = eol + 1;
        }
        if (byRank.size() < 256) throw new IllegalArgumentException(source + ": only " + byRank.size() + " ranks; a byte-level BPE needs at least the 256 single bytes");
        return byRank;
    }

    private static IllegalArgumentException badLine(String source, int line, byte[] content, int from, int to, String what) {
        String text = new String(content, from, Math.min(to - from, 80), StandardCharsets.UTF_8);
        return new IllegalArgumentException(source + " line " + line + ": " + what + ", found \"" + text + "\"");
    }

    /**
     * Reads OpenAI's GPT-2 files the way tiktoken's {@code data_gym_to_mergeable_bpe_ranks} does:
     * ranks are the 256 bytes in alphabet order followed by one new token per line of
     * {@code vocab.bpe}, and {@code encoder.json} must give every token that same id.
     *
     * @param encoderJson the text of {@code encoder.json}: token (in the byte-level alphabet) to id
     * @param vocabBpe    the text of {@code vocab.bpe}: a {@code #version} line, then "a b" merges
     * @param specialToken the one special token that encoder.json holds beyond the ranks
     */
    static Gpt2Vocab readGpt2(String encoderJson, String encoderName, String vocabBpe, String vocabName, String specialToken) {
        Map<String, Object> encoder = Json.parseObject(encoderJson, encoderName);
        Object special = encoder.get(specialToken);
        if (special == null) throw new IllegalArgumentException(encoderName + ": no entry for the special token \"" + specialToken + "\"");
        int specialId = id(encoderName, specialToken, special);

        // ranks from vocab.bpe
        List<byte[]> ranks = new ArrayList<>(encoder.size());
        for (int r = 0; r < 256; r++) {
            int b = ByteLevelAlphabet.byteWithRank(r);
            ranks.add(new byte[] {(byte) b});
            String glyph = String.valueOf(ByteLevelAlphabet.charOf(b));
            Object v = encoder.get(glyph);
            if (v == null || id(encoderName, glyph, v) != r) {
                throw new IllegalArgumentException(encoderName + ": the single byte 0x" + Integer.toHexString(b) + " (\"" + glyph
                        + "\") should have id " + r + " but has " + v);
            }
        }
        String[] lines = vocabBpe.split("\n", -1);
        int first = lines.length > 0 && lines[0].startsWith("#version") ? 1 : 0;
        for (int i = first; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isEmpty()) {
                if (i == lines.length - 1) break; // the trailing newline
                throw new IllegalArgumentException(vocabName + " line " + (i + 1) + ": empty line in the middle of the merges");
            }
            int space = line.indexOf(' ');
            if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                throw new IllegalArgumentException(vocabName + " line " + (i + 1) + ": expected two tokens separated by one space, found \"" + line + "\"");
            }
            String merged = line.substring(0, space) + line.substring(space + 1);
            byte[] bytes = ByteLevelAlphabet.fromGlyphs(merged);
            if (bytes == null) {
                throw new IllegalArgumentException(vocabName + " line " + (i + 1) + ": \"" + line + "\" has a character outside GPT-2's byte alphabet");
            }
            int rank = ranks.size();
            Object v = encoder.get(merged);
            if (v == null || id(encoderName, merged, v) != rank) {
                throw new IllegalArgumentException(vocabName + " line " + (i + 1) + ": merge \"" + line + "\" makes token \"" + merged
                        + "\" with rank " + rank + ", but " + encoderName + " gives it id " + v);
            }
            ranks.add(bytes);
        }
        int expected = ranks.size() + 1;
        if (encoder.size() != expected) {
            throw new IllegalArgumentException(encoderName + ": " + encoder.size() + " entries, but " + vocabName + " defines "
                    + ranks.size() + " tokens plus the special token (" + expected + ")");
        }
        if (specialId != ranks.size()) {
            throw new IllegalArgumentException(encoderName + ": the special token \"" + specialToken + "\" has id " + specialId
                    + "; expected " + ranks.size() + ", right after the " + ranks.size() + " ranks");
        }
        return new Gpt2Vocab(ranks, Map.of(specialToken, specialId));
    }

    private static int id(String source, String token, Object v) {
        if (v instanceof Long l && l >= 0 && l < Integer.MAX_VALUE) return l.intValue();
        throw new IllegalArgumentException(source + ": the id of \"" + token + "\" is not a non-negative integer: " + v);
    }
}

import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Writes the GPT-2 token ids of the book's chapter-5 train/val split of "The Verdict" as JSON,
 * for scripts/torch_ch05_run.py (when tiktoken is not installed; ScratchLLM's
 * GPT2Tokenizer gives tiktoken's gpt2 ids).
 *
 * The split is the book's: train_ratio 0.90, split_idx = int(0.90 * len(text_data)) characters
 * (the file is ASCII, so Java chars = Python characters), and each part is tokenized on its own,
 * as GPTDatasetV1 does, with allowed_special={"<|endoftext|>"}.
 *
 * Run from the repository root after "mvn -q compile":
 *   java -cp target/classes scripts/DumpVerdictIds.java "$SCRATCHLLM_DATA/the-verdict.txt" out.json
 */
public class DumpVerdictIds {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: DumpVerdictIds <the-verdict.txt> <out.json>");
            System.exit(2);
        }
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        if (text.codePoints().count() != text.length()) throw new IllegalStateException("text has surrogate pairs; char split would differ from Python");
        int splitIdx = (int) (0.90 * text.length());   // Python: int(train_ratio * len(text_data))
        String train = text.substring(0, splitIdx);
        String val = text.substring(splitIdx);
        GPT2Tokenizer tok = GPT2Tokenizer.load();
        Set<String> allowed = Set.of(GPT2Tokenizer.ENDOFTEXT);
        int[] all = tok.encode(text, allowed);
        int[] trainIds = tok.encode(train, allowed);
        int[] valIds = tok.encode(val, allowed);
        StringBuilder sb = new StringBuilder();
        sb.append("{\"source\":\"").append(Path.of(args[0]).getFileName()).append("\"");
        sb.append(",\"chars\":").append(text.length());
        sb.append(",\"split_idx\":").append(splitIdx);
        sb.append(",\"all_tokens\":").append(all.length);
        sb.append(",\"start_context_ids\":");
        append(sb, tok.encode("Every effort moves you", allowed));
        sb.append(",\"train_ids\":");
        append(sb, trainIds);
        sb.append(",\"val_ids\":");
        append(sb, valIds);
        sb.append("}\n");
        Files.writeString(Path.of(args[1]), sb.toString(), StandardCharsets.UTF_8);
        System.out.printf("chars %d, split_idx %d, tokens: whole text %d, train %d, val %d -> %s%n",
                text.length(), splitIdx, all.length, trainIds.length, valIds.length, args[1]);
    }

    private static void append(StringBuilder sb, int[] ids) {
        sb.append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(ids[i]);
        }
        sb.append(']');
    }
}

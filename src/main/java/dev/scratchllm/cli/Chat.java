/*
 * Chat: the "chat" command: an interactive conversation on the command line with any catalog
 * model (--model/--weights: Llama 3.2 Instruct, Qwen3, GPT-2) or an instruction checkpoint from
 * finetune-instructions (the Alpaca prompt). It reads one user message per line from standard
 * input, keeps the conversation, and streams each reply as it is generated. "/reset" forgets the
 * conversation (the --system message stays), "/exit" or the end of input ends it. When the
 * conversation outgrows the context, the oldest turns are dropped (with a notice).
 *
 * It does not edit lines (use the terminal's own line editing) and does not save conversations.
 */
package dev.scratchllm.cli;

import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.serve.AlpacaChatFormat;
import dev.scratchllm.serve.ChatFormat;
import dev.scratchllm.serve.ChatMessage;
import dev.scratchllm.serve.Gpt2Backend;
import dev.scratchllm.serve.ModelBackend;
import dev.scratchllm.serve.SamplingParams;
import dev.scratchllm.serve.TranscriptChatFormat;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code chat [--model NAME --weights DIR | --checkpoint DIR] [--system TEXT] [--think] [sampling options]}. */
public final class Chat {
    private Chat() {
    }

    /**
     * The command's settings.
     *
     * @param model a catalog model, or null
     * @param checkpoint an instruction (or pretraining) checkpoint, used when {@code model} is null
     * @param system the system message, or null
     * @param maxNewTokens the most tokens per reply
     * @param temperature the temperature
     * @param topK the top-k, or null
     * @param topP the top-p
     * @param repetitionPenalty the repetition penalty
     * @param seed the seed of the first reply (reply i uses seed + i), or null for random draws
     * @param stats print tokens and tokens/s after each reply
     */
    public record Settings(ModelCatalog.Request model, Path checkpoint, String system, int maxNewTokens, float temperature, Integer topK, double topP,
                           double repetitionPenalty, Long seed, boolean stats) {
    }

    static final Options.Spec OPTIONS = ModelCatalog.modelOptions(new Options.Spec("chat", "[--model NAME --weights DIR | --checkpoint DIR] [OPTIONS]",
            "Chat with a model on the command line: one message per line; /reset forgets the conversation, /exit (or end of input) ends it."))
            .path("--checkpoint", "DIR", null, "a finetune-instructions checkpoint (Alpaca prompt) instead of --model")
            .text("--system", "TEXT", null, "a system message at the start of the conversation")
            .flag("--think", "Qwen3: let the model think (<think>...</think>) before answering")
            .integer("--max-new-tokens", "N", 512, 1, Integer.MAX_VALUE, "most tokens per reply")
            .alias("--max-tokens", "--max-new-tokens")
            .number("--temperature", "X", 0.7, Options.Range.atLeast(0), "sampling temperature; 0 picks the most likely token")
            .integerOrNone("--top-k", "K", 20, 1, 151_936, "sample among the K most likely tokens")
            .number("--top-p", "P", 0.9, Options.Range.of(0, true, 1, false), "nucleus sampling mass (1: off)")
            .number("--repetition-penalty", "X", 1.0, Options.Range.above(0), "divide the logits of tokens already seen (1: off)")
            .longValue("--seed", "N", 0, "seed of the first reply (reply i uses N + i); default: random")
            .flag("--stats", "print the tokens and tokens/s after each reply");

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        boolean model = ModelCatalog.given(o);
        if (model == o.given("--checkpoint")) throw new UsageException("chat: give --model NAME (and --weights DIR), --weights DIR, or --checkpoint DIR");
        return new Settings(model ? ModelCatalog.request(o, o.flag("--think")) : null, o.path("--checkpoint"), o.text("--system"), o.integer("--max-new-tokens"),
                (float) o.number("--temperature"), o.optionalInteger("--top-k"), o.number("--top-p"), o.number("--repetition-penalty"),
                o.given("--seed") ? o.longValue("--seed") : null, o.flag("--stats"));
    }

    /**
     * Loads the model and chats until {@code /exit} or the end of {@code in}.
     *
     * @param s the settings
     * @param in the user's lines (UTF-8)
     * @param out where replies go
     * @return the conversation (system message included)
     * @throws IOException if the model cannot be read
     */
    public static List<ChatMessage> run(Settings s, InputStream in, PrintStream out) throws IOException {
        ModelBackend b = s.model() != null ? ModelCatalog.load(s.model(), out) : checkpoint(s.checkpoint(), out);
        out.println("Chat with " + b.id() + " (" + b.chatFormat().name() + " format). /reset forgets the conversation, /exit ends it.");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<ChatMessage> conv = new ArrayList<>();
        if (s.system() != null) conv.add(new ChatMessage("system", s.system()));
        int turn = 0;
        while (true) {
            out.print("> ");
            out.flush();
            String line = r.readLine();
            if (line == null) {
                out.println();
                break;
            }
            String text = line.strip();
            if (text.isEmpty()) continue;
            if (text.equals("/exit") || text.equals("/bye")) break;
            if (text.equals("/reset")) {
                conv.subList(s.system() != null ? 1 : 0, conv.size()).clear();
                out.println("(conversation cleared)");
                continue;
            }
            conv.add(new ChatMessage("user", line));
            int[] prompt = fit(b, conv, s, out);
            if (prompt == null) {
                conv.remove(conv.size() - 1);
                continue;
            }
            Long seed = s.seed() == null ? null : s.seed() + turn;
            turn++;
            SamplingParams p = SamplingParams.of(s.maxNewTokens(), s.temperature(), s.topK(), s.topP(), (float) s.repetitionPenalty(), seed,
                    b.chatFormat().stopStrings());
            StreamedReply.Result res = StreamedReply.run(b, prompt, p, out);
            out.println();
            if (s.stats())
                out.printf(Locale.ROOT, "(%d tokens, %.1f tokens/s%s)%n", res.tokens(), res.tokens() / (res.nanos() / 1e9),
                        res.finish() == ModelBackend.Finish.LENGTH ? ", cut at --max-new-tokens" : "");
            conv.add(new ChatMessage("assistant", res.text().strip()));
        }
        return conv;
    }

    /** The prompt ids, dropping the oldest turns (the system message stays) while they leave no room for a reply. */
    private static int[] fit(ModelBackend b, List<ChatMessage> conv, Settings s, PrintStream out) {
        int first = s.system() != null ? 1 : 0;
        while (true) {
            int[] ids = b.encodeChat(conv);
            if (ids.length < b.contextLength()) return ids;
            if (conv.size() - first <= 1) {
                out.println("(this message is " + ids.length + " tokens with the chat format; the context holds " + b.contextLength() + ": not sent)");
                return null;
            }
            conv.remove(first);                                          // the oldest user message
            if (conv.size() - first > 1 && conv.get(first).role().equals("assistant")) conv.remove(first); // and its reply
            out.println("(the conversation outgrew the context of " + b.contextLength() + " tokens: the oldest turn was dropped)");
        }
    }

    private static ModelBackend checkpoint(Path dir, PrintStream out) throws IOException {
        if (ModelCatalog.isArchCheckpoint(dir)) return ModelCatalog.archCheckpoint(dir, out);
        Map<String, String> extra = ModelSource.extra(dir);
        ChatFormat format;
        GPTModel model;
        if ("instructions".equals(extra.get("task"))) {
            model = ModelSource.loadFineTuned(dir, "instructions");
            format = new AlpacaChatFormat(InstructionData.PromptStyle.valueOf(extra.getOrDefault("prompt_style", "ALPACA")));
        } else {
            model = Generate.loadCheckpoint(dir);
            format = new TranscriptChatFormat();
        }
        out.println("Model: checkpoint " + dir + " (" + ModelSource.describe(model.config()) + ")");
        return new Gpt2Backend("scratchllm", model, GPT2Tokenizer.load(), format);
    }
}

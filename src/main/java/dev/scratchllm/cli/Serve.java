/*
 * Serve: the "serve" command: loads one model (an instruction checkpoint from
 * finetune-instructions, a pretraining checkpoint, GPT-2's weights, or a fresh seeded GPT-124M)
 * and serves it over the OpenAI- and Ollama-compatible APIs with the chat page at "/", until
 * Ctrl-C (a graceful shutdown). An instruction model chats in its Alpaca (or Phi-3) prompt; a
 * base model gets a plain transcript.
 *
 * It binds 127.0.0.1 unless --host names another address, and then asks for --api-key (or says
 * loudly that there is none).
 */
package dev.scratchllm.cli;

import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.serve.AlpacaChatFormat;
import dev.scratchllm.serve.ChatFormat;
import dev.scratchllm.serve.ChatServer;
import dev.scratchllm.serve.Gpt2Backend;
import dev.scratchllm.serve.ServerOptions;
import dev.scratchllm.serve.TranscriptChatFormat;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code serve [--checkpoint DIR | --gpt2 FILE|NAME] [--host H --port P --api-key K ...]}. */
public final class Serve {
    private Serve() {
    }

    /**
     * The command's settings.
     *
     * @param checkpoint a checkpoint directory, or null
     * @param gpt2 GPT-2 weights (file or name), or null
     * @param name the model's name in the APIs, or null for the default
     * @param chatFormat {@code alpaca}, {@code phi3}, {@code transcript}, or null for the model's own
     * @param server the server's settings
     * @param threads kernel threads
     * @param model a catalog model ({@code --model}/{@code --weights}), or null
     */
    public record Settings(Path checkpoint, String gpt2, String name, String chatFormat, ServerOptions server, int threads, ModelCatalog.Request model) {
        /**
         * Settings without a catalog model.
         *
         * @param checkpoint a checkpoint directory, or null
         * @param gpt2 GPT-2 weights (file or name), or null
         * @param name the model's name in the APIs, or null
         * @param chatFormat the chat format's name, or null
         * @param server the server's settings
         * @param threads kernel threads
         */
        public Settings(Path checkpoint, String gpt2, String name, String chatFormat, ServerOptions server, int threads) {
            this(checkpoint, gpt2, name, chatFormat, server, threads, null);
        }
    }

    private static final ServerOptions DEFAULTS = ServerOptions.defaults();

    static final Options.Spec OPTIONS = ModelCatalog.modelOptions(new Options.Spec("serve", "[--checkpoint DIR | --gpt2 FILE|NAME | --model NAME --weights DIR] [OPTIONS]",
            "Serve the model over OpenAI- and Ollama-compatible HTTP APIs, with a chat page at / (Ctrl-C stops it).")
            .flag("--think", "Qwen3: let the model think (<think>...</think>) before answering"))
            .path("--checkpoint", "DIR", null, "serve a pretrain or finetune-instructions checkpoint")
            .text("--gpt2", "FILE|NAME", null, "serve GPT-2's weights: a model.safetensors file or a name (gpt2)")
            .text("--name", "NAME", null, "the model's name in the APIs (default: from the model)")
            .text("--chat-format", "alpaca|phi3|transcript", null, "how chats become prompts (default: the model's own)")
            .text("--host", "ADDRESS", DEFAULTS.host(), "the address to listen on (other than loopback: use --api-key)")
            .integer("--port", "N", DEFAULTS.port(), 0, 65535, "the port (0: any free one)")
            .text("--api-key", "KEY", null, "require this bearer key (default: $SCRATCHLLM_API_KEY, else none)")
            .integer("--parallel", "N", DEFAULTS.parallel(), 1, 1 << 10, "generations at once")
            .integer("--queue", "N", DEFAULTS.maxWaiting(), 0, 1 << 16, "requests that may wait for a turn (429/503 beyond)")
            .integer("--timeout", "S", (int) DEFAULTS.requestTimeout().toSeconds(), 1, 86_400, "seconds a request may take")
            .integer("--grace", "S", 10, 0, 3_600, "seconds running requests get at shutdown")
            .number("--heartbeat", "S", DEFAULTS.heartbeatDelay().toMillis() / 1000.0, Options.Range.of(0, false, 86_400, false),
                    "seconds a non-streamed reply runs before the server sends its 200 and a space every 0.5 s, to notice a client"
                            + " that hung up (0: off, for clients that want nothing before the JSON)")
            .integer("--max-body", "BYTES", (int) DEFAULTS.maxBodyBytes(), 1, Integer.MAX_VALUE, "largest request body (413 beyond)")
            .integer("--max-new-tokens", "N", DEFAULTS.defaultMaxTokens(), 1, Integer.MAX_VALUE, "new tokens when a request names no limit")
            .alias("--max-tokens", "--max-new-tokens")
            .integer("--max-tokens-limit", "N", DEFAULTS.maxTokensLimit(), 1, Integer.MAX_VALUE, "the largest limit a request may ask for")
            .integer("--threads", "N", null, 1, 1 << 16, "compute threads (default: the machine's cores)");

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        if (o.given("--gpt2") && o.given("--checkpoint")) throw new UsageException("serve: give --gpt2 or --checkpoint, not both");
        if (ModelCatalog.given(o) && (o.given("--gpt2") || o.given("--checkpoint")))
            throw new UsageException("serve: give --model/--weights, or --gpt2, or --checkpoint");
        String key = o.given("--api-key") ? o.text("--api-key") : System.getenv("SCRATCHLLM_API_KEY");
        ServerOptions s = DEFAULTS.withAddress(o.text("--host"), o.integer("--port")).withApiKey(key == null || key.isEmpty() ? null : key)
                .withQueue(o.integer("--parallel"), o.integer("--queue"))
                .withTimes(Duration.ofSeconds(o.integer("--timeout")), Duration.ofSeconds(o.integer("--grace")))
                .withLimits(o.integer("--max-body"), o.integer("--max-new-tokens"), o.integer("--max-tokens-limit"));
        double beat = o.number("--heartbeat");
        s = beat == 0 ? s.withHeartbeat(DEFAULTS.heartbeatDelay(), Duration.ZERO)
                : s.withHeartbeat(Duration.ofMillis(Math.max(1, Math.round(beat * 1000))), DEFAULTS.heartbeatInterval());
        String fmt = o.text("--chat-format");
        if (fmt != null && !Set.of("alpaca", "phi3", "transcript").contains(fmt))
            throw new UsageException("serve: --chat-format must be alpaca, phi3 or transcript, got '" + fmt + "'");
        if (fmt != null && ModelCatalog.given(o)) throw new UsageException("serve: --chat-format is for GPT-2 checkpoints; a catalog model uses its own");
        return new Settings(o.path("--checkpoint"), o.text("--gpt2"), o.text("--name"), fmt, s, o.integer("--threads", Runtime.getRuntime().availableProcessors()),
                ModelCatalog.given(o) ? ModelCatalog.request(o, o.flag("--think")) : null);
    }

    /**
     * Loads the model and starts the server (returns at once; {@link ChatServer#awaitShutdown()} waits).
     *
     * @param s the settings
     * @param out where to print the banner and the access log
     * @return the running server
     * @throws IOException if the model cannot be read or the address bound
     */
    public static ChatServer start(Settings s, PrintStream out) throws IOException {
        Main.startJob("serve", s.threads(), out);
        if (s.model() != null) {
            dev.scratchllm.serve.CausalLMBackend b = ModelCatalog.load(s.model(), out);
            if (s.name() != null) b = b.named(s.name());
            return serve(s, out, b, b.id(), b.chatFormat());
        }
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        GPTModel model;
        String name;
        ChatFormat format;
        if (s.gpt2() == null && s.checkpoint() != null && "instructions".equals(ModelSource.extra(s.checkpoint()).get("task"))) {
            model = ModelSource.loadFineTuned(s.checkpoint(), "instructions");
            Map<String, String> extra = ModelSource.extra(s.checkpoint());
            format = new AlpacaChatFormat(InstructionData.PromptStyle.valueOf(extra.getOrDefault("prompt_style", "ALPACA")));
            name = "scratchllm-instruct";
            out.println("Model: instruction checkpoint " + s.checkpoint() + " (" + ModelSource.describe(model.config()) + ")");
        } else {
            if (s.checkpoint() != null && ModelSource.extra(s.checkpoint()).get("task") != null && !"pretrain".equals(ModelSource.extra(s.checkpoint()).get("task")))
                throw new IOException(s.checkpoint() + ": a checkpoint of task \"" + ModelSource.extra(s.checkpoint()).get("task")
                        + "\" does not generate text (serve a pretraining or instruction checkpoint, or --gpt2)");
            model = ModelSource.load(s.gpt2(), s.checkpoint(), GPTConfig.GPT_CONFIG_124M, 0.0, 123, out);
            format = new TranscriptChatFormat();
            name = s.gpt2() != null ? (Files.isRegularFile(Path.of(s.gpt2())) ? "gpt2" : s.gpt2()) : s.checkpoint() != null ? "scratchllm-pretrain" : "scratchllm-untrained";
        }
        if (s.chatFormat() != null) format = switch (s.chatFormat()) {
            case "alpaca" -> new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA);
            case "phi3" -> new AlpacaChatFormat(InstructionData.PromptStyle.PHI3);
            default -> new TranscriptChatFormat();
        };
        if (s.name() != null) name = s.name();
        return serve(s, out, new Gpt2Backend(name, model, tokenizer, format), name, format);
    }

    private static ChatServer serve(Settings s, PrintStream out, dev.scratchllm.serve.ModelBackend backend, String name, ChatFormat format) throws IOException {
        ServerOptions so = s.server();
        if (!isLoopback(so.host()) && so.apiKey() == null)
            out.println("WARNING: listening on " + so.host() + " without an API key: anyone who can reach this address can use the model "
                    + "(pass --api-key KEY or set SCRATCHLLM_API_KEY)");
        ChatServer server = ChatServer.start(so, List.of(backend), out::println);
        out.printf("Serving '%s' (%s chat format) at %s%n  chat page:  %s%n  OpenAI API: %sv1  (e.g. POST %sv1/chat/completions)%n"
                        + "  Ollama API: %sapi (e.g. POST %sapi/chat)%nCtrl-C stops the server.%n", name, format.name(), server.uri(), server.uri(),
                server.uri(), server.uri(), server.uri(), server.uri());
        return server;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /**
     * Serves until the JVM is stopped (Ctrl-C runs a graceful shutdown).
     *
     * @param s the settings
     * @param out where to print
     * @throws IOException if the model cannot be read or the address bound
     */
    public static void run(Settings s, PrintStream out) throws IOException {
        ChatServer server = start(s, out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Shutting down: finishing running requests (up to " + s.server().shutdownGrace().toSeconds() + " s)");
            server.shutdown();
        }));
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

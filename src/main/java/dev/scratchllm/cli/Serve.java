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
     */
    public record Settings(Path checkpoint, String gpt2, String name, String chatFormat, ServerOptions server, int threads) {
    }

    static Settings parse(List<String> args) {
        ModelSource.Options o = new ModelSource.Options("serve", args, Set.of("--checkpoint", "--gpt2", "--name", "--chat-format", "--host", "--port",
                "--api-key", "--parallel", "--queue", "--timeout", "--max-tokens", "--max-tokens-limit", "--max-body", "--grace", "--threads"), Set.of());
        ServerOptions d = ServerOptions.defaults();
        String key = o.string("--api-key", System.getenv("SCRATCHLLM_API_KEY"));
        ServerOptions s = d.withAddress(o.string("--host", d.host()), o.integer("--port", d.port())).withApiKey(key == null || key.isEmpty() ? null : key)
                .withQueue(o.integer("--parallel", d.parallel()), o.integer("--queue", d.maxWaiting()))
                .withTimes(Duration.ofSeconds(o.integer("--timeout", (int) d.requestTimeout().toSeconds())), Duration.ofSeconds(o.integer("--grace", 10)))
                .withLimits(o.integer("--max-body", (int) d.maxBodyBytes()), o.integer("--max-tokens", d.defaultMaxTokens()),
                        o.integer("--max-tokens-limit", d.maxTokensLimit()));
        String fmt = o.string("--chat-format", null);
        if (fmt != null && !Set.of("alpaca", "phi3", "transcript").contains(fmt))
            throw new IllegalArgumentException("serve: --chat-format must be alpaca, phi3 or transcript, got '" + fmt + "'");
        return new Settings(o.path("--checkpoint", null), o.string("--gpt2", null), o.string("--name", null), fmt, s,
                o.integer("--threads", Runtime.getRuntime().availableProcessors()));
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
        ServerOptions so = s.server();
        if (!isLoopback(so.host()) && so.apiKey() == null)
            out.println("WARNING: listening on " + so.host() + " without an API key: anyone who can reach this address can use the model "
                    + "(pass --api-key KEY or set SCRATCHLLM_API_KEY)");
        ChatServer server = ChatServer.start(so, List.of(new Gpt2Backend(name, model, tokenizer, format)), out::println);
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

/*
 * ChatServer: serves models over OpenAI's and Ollama's HTTP APIs and a chat page, on the JDK's
 * built-in com.sun.net.httpserver with one virtual thread per request (docs/serving.md says why:
 * the library keeps zero runtime dependencies, and a blocking handler per virtual thread is
 * enough for a server whose cost is the model, not the sockets).
 *
 * Around the APIs it does what a real server must: binds loopback unless told otherwise; checks a
 * bearer key when one is set; answers unknown paths 404 and wrong methods 405 in JSON; admits at
 * most `parallel` running and `maxWaiting` waiting generations (429 from the OpenAI paths, 503
 * from Ollama's, as each does); gives each request a deadline; stops a generation whose client
 * has gone (a stream's next write fails; a non-streamed request gets a Heartbeat of spaces after
 * its early 200, whose write fails); shuts down gracefully (new requests get 503, running ones get
 * the grace period, then are cancelled); and logs one line per request.
 *
 * It does not do TLS (put a reverse proxy in front), batching, or tools/function calling.
 */
package dev.scratchllm.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * An HTTP server for {@link ModelBackend}s.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.start(ServerOptions.defaults(), List.of(backend), System.out::println)) {
 *     System.out.println("open " + server.uri());
 *     server.awaitShutdown();
 * }
 * }</pre>
 */
public final class ChatServer implements AutoCloseable {
    /** Paths and the methods they answer (for 405 and its Allow header). */
    private static final Map<String, Set<String>> ROUTES = Map.ofEntries(
            Map.entry("/", Set.of("GET", "HEAD")), Map.entry("/chat.js", Set.of("GET")), Map.entry("/chat.css", Set.of("GET")),
            Map.entry("/v1/models", Set.of("GET")), Map.entry("/v1/completions", Set.of("POST")), Map.entry("/v1/chat/completions", Set.of("POST")),
            Map.entry("/api/tags", Set.of("GET")), Map.entry("/api/version", Set.of("GET")), Map.entry("/api/show", Set.of("POST")),
            Map.entry("/api/generate", Set.of("POST")), Map.entry("/api/chat", Set.of("POST")));

    private final ServerOptions options;
    private final Map<String, ModelBackend> models = new LinkedHashMap<>();
    private final Consumer<String> accessLog;
    private final HttpServer http;
    private final ExecutorService executor;
    private final GenerationQueue queue;
    private final Set<Generation.Job> running = ConcurrentHashMap.newKeySet();
    private final OpenAiApi openAi = new OpenAiApi(this);
    private final OllamaApi ollama = new OllamaApi(this);
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean closing, cancelling;

    private ChatServer(ServerOptions options, List<ModelBackend> backends, Consumer<String> accessLog) throws IOException {
        if (backends.isEmpty()) throw new IllegalArgumentException("ChatServer: no model to serve");
        this.options = options;
        for (ModelBackend b : backends) {
            if (models.putIfAbsent(baseName(b.id()), b) != null) throw new IllegalArgumentException("ChatServer: two models named " + b.id());
        }
        this.accessLog = accessLog;
        this.queue = new GenerationQueue(options.parallel(), options.maxWaiting());
        this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /**
     * Starts a server.
     *
     * @param options the settings
     * @param backends the models, each under its {@link ModelBackend#id()}
     * @param accessLog gets one line per request (may be {@code s -> {}})
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    public static ChatServer start(ServerOptions options, List<ModelBackend> backends, Consumer<String> accessLog) throws IOException {
        ChatServer s = new ChatServer(options, backends, accessLog);
        s.http.start();
        return s;
    }

    /**
     * The port the server listens on (useful with port 0).
     *
     * @return the port
     */
    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * The server's base address, e.g. {@code http://127.0.0.1:8080/}.
     *
     * @return the address
     */
    public URI uri() {
        String host = http.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /**
     * Requests admitted now (running or waiting).
     *
     * @return the count
     */
    public int admitted() {
        return queue.admitted();
    }

    /**
     * Blocks until {@link #shutdown()} has finished.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }

    /**
     * Graceful shutdown: new requests get 503 at once; running generations get
     * {@code shutdownGrace} to finish, then are cancelled (a stream ends with an error event);
     * then the listener closes. Idempotent.
     */
    public synchronized void shutdown() {
        if (stopped.getCount() == 0) return;
        closing = true;
        long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
        while (queue.admitted() > 0 && System.nanoTime() - deadline < 0) sleep(10);
        cancelling = true;
        for (Generation.Job j : running) j.cancel("cancelled");
        long cancelDeadline = System.nanoTime() + 5_000_000_000L; // each loop checks its job after every token
        while (queue.admitted() > 0 && System.nanoTime() - cancelDeadline < 0) sleep(10);
        // the handlers of cancelled requests still write their error bodies after leaving the
        // queue: stop(0) closed their connections mid-reply under load (the body ended after the
        // heartbeat's spaces); stop waits for running exchanges up to the delay, no longer
        http.stop(2);
        executor.close();
        stopped.countDown();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ for the API classes

    ServerOptions options() {
        return options;
    }

    List<ModelBackend> models() {
        return List.copyOf(models.values());
    }

    /** {@code name} with or without Ollama's {@code :latest} tag. */
    static String baseName(String name) {
        return name.endsWith(":latest") ? name.substring(0, name.length() - ":latest".length()) : name;
    }

    /** The model a request names; 400 when missing, 404 when unknown. */
    ModelBackend model(String name) {
        if (name == null || name.isEmpty()) throw ApiError.badField("model", "'model' is required (this server has: " + String.join(", ", models.keySet()) + ")");
        ModelBackend b = models.get(baseName(name));
        if (b == null) throw new ApiError(404, "model_not_found", "model", "model '" + name + "' not found (this server has: " + String.join(", ", models.keySet()) + ")");
        return b;
    }

    /** Prompt ids, refused with 400 when they leave no room in the context. */
    int[] promptIds(ModelBackend b, String text) {
        return promptIds(b, text.isEmpty() ? b.emptyPrompt() : b.encode(text));
    }

    /** Prompt ids already encoded (a chat format's), refused with 400 when they leave no room in the context. */
    int[] promptIds(ModelBackend b, int[] ids) {
        if (ids.length == 0) ids = b.emptyPrompt();
        if (ids.length >= b.contextLength())
            throw ApiError.badField("messages", "the prompt is " + ids.length + " tokens but model '" + b.id() + "' has a context of " + b.contextLength() + " tokens");
        return ids;
    }

    /**
     * Admits, waits for a turn, then generates. Before the first byte of a stream, refusals are
     * thrown as {@link ApiError}s; {@code onStart} runs once the generation has its turn (a stream
     * sends its headers there). A non-streamed request ({@code heartbeat} true) gets a
     * {@link Heartbeat} from admission on, so a client that hangs up, while waiting or while its
     * answer is generated, is noticed and its job cancelled ({@code disconnected}).
     */
    Generation.Outcome execute(HttpCall call, ModelBackend b, int[] prompt, SamplingParams p, boolean heartbeat, IoRunnable onStart,
                               Generation.Sink sink) throws IOException {
        GenerationQueue.Ticket ticket = queue.tryEnter();
        if (ticket == null) {
            String msg = "the server is busy: " + options.parallel() + " generation(s) running and " + options.maxWaiting() + " waiting; try again later";
            throw call.ollama() ? new ApiError(503, "server_busy", null, msg) : new ApiError(429, "rate_limit_exceeded", null, msg);
        }
        long deadline = call.startNanos + options.requestTimeout().toNanos();
        Generation.Job job = new Generation.Job(deadline);
        running.add(job); // waiting ones too: shutdown cancels them
        Heartbeat beats = heartbeat && options.heartbeatInterval().isPositive()
                ? Heartbeat.start(call, job, options.heartbeatDelay(), options.heartbeatInterval()) : null;
        try (ticket) {
            if (cancelling) job.cancel("cancelled");
            boolean turn;
            job.waiting();
            try {
                turn = ticket.awaitTurn(deadline - System.nanoTime());
            } catch (InterruptedException e) {
                if (job.cancelReason() == null) Thread.currentThread().interrupt();
                turn = false;
            } finally {
                job.doneWaiting();
            }
            if (job.cancelReason() != null) {
                if (!job.cancelReason().equals("disconnected")) throw shuttingDown();
                call.note = String.format(Locale.ROOT, "model=%s prompt_tokens=%d completion_tokens=0 finish=disconnected waiting", b.id(), prompt.length);
                return new Generation.Outcome("", prompt.length, 0, "disconnected", 0, 0);
            }
            if (!turn) {
                if (Thread.currentThread().isInterrupted()) throw new ApiError(503, "server_shutting_down", null, "interrupted while waiting for a turn");
                throw new ApiError(503, "timeout", null, "timed out after " + options.requestTimeout().toSeconds() + " s waiting for a turn");
            }
            onStart.run();
            Generation.Outcome o = Generation.run(b, prompt, p, job, sink);
            call.note = String.format(Locale.ROOT, "model=%s prompt_tokens=%d completion_tokens=%d finish=%s", b.id(), o.promptTokens(),
                    o.completionTokens(), o.finishReason());
            return o;
        } finally {
            running.remove(job);
            if (beats != null) {
                beats.stop();
                if (beats.beats() > 0) call.note = (call.note.isEmpty() ? "" : call.note + " ") + "heartbeats=" + beats.beats();
            }
        }
    }

    /** An action that may fail with an I/O error. */
    interface IoRunnable {
        void run() throws IOException;
    }

    static ApiError shuttingDown() {
        return new ApiError(503, "server_shutting_down", null, "the server is shutting down");
    }

    /** The error an abnormal outcome becomes (timeout or shutdown; a disconnect has nobody to tell). */
    static ApiError abnormal(Generation.Outcome o, ServerOptions options) {
        return o.finishReason().equals("timeout")
                ? new ApiError(503, "timeout", null, "the request took longer than " + options.requestTimeout().toSeconds() + " s and was stopped")
                : shuttingDown();
    }

    // ------------------------------------------------------------------ routing

    private void handle(HttpExchange ex) {
        HttpCall call = new HttpCall(ex);
        try (ex) {
            try {
                route(call);
            } catch (ApiError e) {
                if (!call.streaming) sendError(call, e);
            } catch (IOException e) {
                call.note = (call.note.isEmpty() ? "" : call.note + " ") + "io_error=" + e.getMessage();
            } catch (RuntimeException e) {
                call.note = "internal_error=" + e;
                if (!call.streaming) sendError(call, new ApiError(500, "server_error", null, "internal error: " + e.getMessage()));
            }
        } finally {
            log(call);
        }
    }

    private void route(HttpCall c) throws IOException {
        String path = c.path;
        Set<String> methods = path.startsWith("/v1/models/") ? Set.of("GET") : ROUTES.get(path);
        if (methods == null) throw new ApiError(404, "not_found", null, "no such endpoint: " + c.method + " " + path);
        if (!methods.contains(c.method)) {
            c.exchange.getResponseHeaders().set("Allow", String.join(", ", new java.util.TreeSet<>(methods)));
            throw new ApiError(405, "method_not_allowed", null, "method " + c.method + " is not allowed on " + path + " (allowed: "
                    + String.join(", ", new java.util.TreeSet<>(methods)) + ")");
        }
        if (closing) throw shuttingDown();
        if ((path.startsWith("/v1/") || path.startsWith("/api/")) && options.apiKey() != null) checkKey(c);
        switch (path) {
            case "/" -> page(c, "index.html", "text/html; charset=utf-8");
            case "/chat.js" -> page(c, "chat.js", "text/javascript; charset=utf-8");
            case "/chat.css" -> page(c, "chat.css", "text/css; charset=utf-8");
            case "/v1/models" -> openAi.models(c);
            case "/v1/completions" -> openAi.completions(c);
            case "/v1/chat/completions" -> openAi.chatCompletions(c);
            case "/api/tags" -> ollama.tags(c);
            case "/api/version" -> ollama.version(c);
            case "/api/show" -> ollama.show(c);
            case "/api/generate" -> ollama.generate(c);
            case "/api/chat" -> ollama.chat(c);
            default -> openAi.model(c, path.substring("/v1/models/".length()));
        }
    }

    private void checkKey(HttpCall c) {
        String auth = c.exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Bearer " + options.apiKey();
        if (auth == null || !java.security.MessageDigest.isEqual(auth.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                expected.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            c.exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "invalid_api_key", null, auth == null ? "this server needs an API key: send 'Authorization: Bearer KEY'" : "wrong API key");
        }
    }

    private void page(HttpCall c, String resource, String type) throws IOException {
        try (InputStream in = ChatServer.class.getResourceAsStream("web/" + resource)) {
            if (in == null) throw new ApiError(404, "not_found", null, "the chat page's " + resource + " is missing from the jar");
            c.send(200, type, in.readAllBytes());
        }
    }

    private void sendError(HttpCall c, ApiError e) {
        Object body;
        if (c.ollama()) body = Map.of("error", e.getMessage());
        else {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("message", e.getMessage());
            err.put("type", e.type());
            err.put("param", e.param());
            err.put("code", e.status() == 404 && "model_not_found".equals(e.type()) ? "model_not_found" : null);
            body = Map.of("error", err);
        }
        if (c.note.isEmpty()) c.note = "error=\"" + e.getMessage() + "\"";
        // 413 leaves the rest of the body unread: close the connection, or a client that reuses it
        // would send its next request into the remains of this one (seen as a reset)
        if (e.status() == 413) c.exchange.getResponseHeaders().set("Connection", "close");
        try {
            c.sendJson(e.status(), body);
        } catch (IOException ignored) {
            // the client has gone; the log line still records the status we meant to send
            c.status = e.status();
        }
    }

    private void log(HttpCall c) {
        var remote = c.exchange.getRemoteAddress();
        String note = c.lateStatus == 0 ? c.note : (c.note.isEmpty() ? "" : c.note + " ") + "late_status=" + c.lateStatus;
        accessLog.accept(String.format(Locale.ROOT, "%s %s \"%s %s\" %d %d %.3fs%s", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                remote == null ? "-" : remote.getAddress().getHostAddress(), c.method, c.path, c.status, c.bytesOut, c.seconds(),
                note.isEmpty() ? "" : " " + note));
    }

}

/*
 * HttpCall: one request/response on the JDK's HttpServer, with what the server needs around
 * it: a bounded body read (413 past the limit, after reading and dropping up to 2 MiB more so the
 * client sees the answer rather than a reset), JSON parsing (400 with the parser's message),
 * JSON and streamed replies (chunked, flushed per piece so a client sees each token at once), a
 * JSON reply after a Heartbeat's early 200 (then an error keeps the 200 and becomes the body), and
 * the facts for the access-log line.
 *
 * It does not route or authenticate (ChatServer does).
 */
package dev.scratchllm.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.scratchllm.io.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A request being answered. */
final class HttpCall {
    final HttpExchange exchange;
    final String method, path;
    final long startNanos = System.nanoTime();
    int status;
    long bytesOut;
    boolean streaming;
    String note = "";
    /** Set while a non-streamed generation keeps the connection tested; its beats may have committed the 200. */
    Heartbeat heartbeat;
    /** The status an error meant to send after the heartbeat had committed a 200 (0 if none). */
    int lateStatus;

    HttpCall(HttpExchange exchange) {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod();
        this.path = exchange.getRequestURI().getPath();
    }

    /** Ollama's paths answer in Ollama's error shape. */
    boolean ollama() {
        return path.startsWith("/api/");
    }

    Map<String, Object> readJsonObject(long maxBytes) {
        String len = exchange.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            long declared;
            try {
                declared = Long.parseLong(len.strip());
            } catch (NumberFormatException e) {
                throw new ApiError(400, "invalid_request_error", null, "bad Content-Length header: " + len);
            }
            if (declared > maxBytes) {
                if (declared - maxBytes <= SWALLOW_BYTES) swallow(SWALLOW_BYTES + maxBytes);
                throw tooLarge(maxBytes);
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            for (int n; (n = in.read(chunk)) > 0; ) {
                buf.write(chunk, 0, n);
                if (buf.size() > maxBytes) {
                    swallow(SWALLOW_BYTES);
                    throw tooLarge(maxBytes);
                }
            }
            body = buf.toByteArray();
        } catch (IOException e) {
            throw new ApiError(400, "invalid_request_error", null, "could not read the request body: " + e.getMessage());
        }
        Object v;
        try {
            v = Json.parse(new String(body, StandardCharsets.UTF_8), "request body");
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_request_error", null, body.length == 0 ? "the request body is empty; expected a JSON object" : e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) throw new ApiError(400, "invalid_request_error", null, "the request body must be a JSON object");
        @SuppressWarnings("unchecked")
        Map<String, Object> obj = (Map<String, Object>) m;
        return obj;
    }

    /**
     * Reads and drops up to {@code max} more bytes of the request body. A server that answers 413
     * and closes while the client is still sending makes the client's side reset the connection,
     * and a reset throws away the answer the client has not read yet (seen with a chunked body:
     * the JDK server itself drains only 64 KiB). So the rest of a body that is not far over the
     * limit is read first (Tomcat's maxSwallowSize, 2 MiB, is the same idea); a bigger one is cut.
     */
    private void swallow(long max) {
        try {
            InputStream in = exchange.getRequestBody();
            byte[] drop = new byte[8192];
            for (long left = max; left > 0; ) {
                int n = in.read(drop, 0, (int) Math.min(drop.length, left));
                if (n < 0) return;
                left -= n;
            }
        } catch (IOException e) {
            // the client has gone or broke the body: the 413 follows anyway
        }
    }

    /** How much of an oversized request body is read and dropped before the 413. */
    static final long SWALLOW_BYTES = 2 << 20;

    private static ApiError tooLarge(long maxBytes) {
        return new ApiError(413, "invalid_request_error", null, "the request body is larger than " + maxBytes + " bytes");
    }

    void sendJson(int status, Object body) throws IOException {
        send(status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        if (heartbeat != null && heartbeat.stop()) { // the 200 and some spaces went out already: the body follows them
            if (status != 200) lateStatus = status;
            writeBytes(body);
            exchange.getResponseBody().close();
            return;
        }
        this.status = status;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            bytesOut += body.length;
        }
    }

    /** Sends a 200 with chunked encoding; then {@link #write} each piece. */
    void startStream(String contentType) throws IOException {
        status = 200;
        streaming = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
    }

    /** Sends a 200 with chunked encoding for a reply that is not a stream (the heartbeat's early commit). */
    void commit(String contentType) throws IOException {
        status = 200;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, 0);
    }

    /** Writes and flushes one piece of a stream; fails once the client has gone. */
    void write(String s) throws IOException {
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void writeBytes(byte[] b) throws IOException {
        OutputStream out = exchange.getResponseBody();
        out.write(b);
        out.flush();
        bytesOut += b.length;
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

/*
 * ServerOptions: the server's settings, with safe defaults: loopback only, one generation at a
 * time with 16 more waiting, 1 MiB request bodies, 2 minutes per request, 10 seconds of grace at
 * shutdown, and a heartbeat for non-streamed generations after 1 s, every 0.5 s. The "with"
 * methods give changed copies.
 */
package dev.scratchllm.serve;

import java.time.Duration;

/**
 * Settings of a {@link ChatServer}.
 *
 * @param host the address to bind ({@code 127.0.0.1} unless asked otherwise)
 * @param port the port, 0 for any free one
 * @param apiKey the bearer key the APIs require, or null for none
 * @param parallel how many generations run at once
 * @param maxWaiting how many more requests may wait for a turn before the server answers 429/503
 * @param requestTimeout the longest a request may wait and generate
 * @param maxBodyBytes the largest request body (413 beyond)
 * @param defaultMaxTokens new tokens when a request names no limit
 * @param maxTokensLimit the largest limit a request may ask for (400 beyond)
 * @param shutdownGrace how long shutdown lets running requests finish before cancelling them
 * @param heartbeatDelay how long a non-streamed generation (waiting included) runs before the
 *     server commits its 200 and starts writing heartbeat spaces, to notice a client that hangs up
 * @param heartbeatInterval the time between heartbeat spaces; zero turns the heartbeat off (then a
 *     hung-up non-streamed request runs until it ends or times out)
 */
public record ServerOptions(String host, int port, String apiKey, int parallel, int maxWaiting, Duration requestTimeout, long maxBodyBytes,
                            int defaultMaxTokens, int maxTokensLimit, Duration shutdownGrace,
                            Duration heartbeatDelay, Duration heartbeatInterval) {
    /** The loopback address the server binds by default. */
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * The defaults, on port 8080.
     *
     * @return the defaults
     */
    public static ServerOptions defaults() {
        return new ServerOptions(LOOPBACK, 8080, null, 1, 16, Duration.ofMinutes(2), 1 << 20, 256, 4096, Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofMillis(500));
    }

    /**
     * With another address and port.
     *
     * @param host the address
     * @param port the port (0 for any)
     * @return the copy
     */
    public ServerOptions withAddress(String host, int port) {
        return new ServerOptions(host, port, apiKey, parallel, maxWaiting, requestTimeout, maxBodyBytes, defaultMaxTokens, maxTokensLimit, shutdownGrace,
                heartbeatDelay, heartbeatInterval);
    }

    /**
     * With a bearer API key.
     *
     * @param key the key, or null for none
     * @return the copy
     */
    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, key, parallel, maxWaiting, requestTimeout, maxBodyBytes, defaultMaxTokens, maxTokensLimit, shutdownGrace, heartbeatDelay, heartbeatInterval);
    }

    /**
     * With other queue limits.
     *
     * @param parallel generations at once
     * @param maxWaiting requests waiting at most
     * @return the copy
     */
    public ServerOptions withQueue(int parallel, int maxWaiting) {
        return new ServerOptions(host, port, apiKey, parallel, maxWaiting, requestTimeout, maxBodyBytes, defaultMaxTokens, maxTokensLimit, shutdownGrace,
                heartbeatDelay, heartbeatInterval);
    }

    /**
     * With other time limits.
     *
     * @param requestTimeout per request
     * @param shutdownGrace at shutdown
     * @return the copy
     */
    public ServerOptions withTimes(Duration requestTimeout, Duration shutdownGrace) {
        return new ServerOptions(host, port, apiKey, parallel, maxWaiting, requestTimeout, maxBodyBytes, defaultMaxTokens, maxTokensLimit, shutdownGrace,
                heartbeatDelay, heartbeatInterval);
    }

    /**
     * With other size limits.
     *
     * @param maxBodyBytes the largest body
     * @param defaultMaxTokens tokens when a request names no limit
     * @param maxTokensLimit the largest limit a request may ask for
     * @return the copy
     */
    public ServerOptions withLimits(long maxBodyBytes, int defaultMaxTokens, int maxTokensLimit) {
        return new ServerOptions(host, port, apiKey, parallel, maxWaiting, requestTimeout, maxBodyBytes, defaultMaxTokens, maxTokensLimit, shutdownGrace,
                heartbeatDelay, heartbeatInterval);
    }

    /**
     * With another heartbeat for non-streamed generations.
     *
     * @param delay how long a request runs before the first beat commits its 200
     * @param interval time between beats; zero turns the heartbeat off
     * @return the copy
     */
    public ServerOptions withHeartbeat(Duration delay, Duration interval) {
        return new ServerOptions(host, port, apiKey, parallel, maxWaiting, requestTimeout, maxBodyBytes, defaultMaxTokens, maxTokensLimit, shutdownGrace,
                delay, interval);
    }
}

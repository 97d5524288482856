// NetLimits: how long one HTTP exchange may take, end to end: the connection, the longest silence
// between two pieces of the body, and the whole exchange from the request to the last byte.
// It does not retry, throttle or limit sizes (the callers bound what they read).
package dev.scratchllm.io;

import java.time.Duration;
import java.util.Objects;

/**
 * The time limits of one HTTP exchange. The JDK's {@code HttpRequest.timeout} only covers the wait
 * for the response headers; these limits also cover the body, read through {@link DeadlineBody}:
 * a server that sends its headers and then stalls, or trickles a byte at a time, fails with a
 * message that names the limit instead of hanging.
 *
 * @param connect the longest wait for the TCP (and TLS) connection
 * @param stall the longest silence while the response is read (no new bytes)
 * @param total the longest the whole exchange may take, from sending the request to the last byte
 */
public record NetLimits(Duration connect, Duration stall, Duration total) {
    /**
     * Checks that every limit is positive.
     *
     * @param connect the longest wait for the connection
     * @param stall the longest silence while the response is read
     * @param total the longest the whole exchange may take
     * @throws IllegalArgumentException if a limit is null, zero or negative
     */
    public NetLimits {
        for (Duration d : new Duration[]{connect, stall, total})
            if (Objects.requireNonNull(d, "NetLimits: a limit is null").isNegative() || d.isZero())
                throw new IllegalArgumentException("NetLimits: limits must be positive, got connect " + connect + ", stall " + stall + ", total " + total);
    }

    /**
     * Limits with the same value for the stall and the whole exchange (for short exchanges).
     *
     * @param connect the longest wait for the connection
     * @param total the longest the whole exchange may take (and the longest silence)
     * @return the limits
     */
    public static NetLimits of(Duration connect, Duration total) {
        return new NetLimits(connect.compareTo(total) < 0 ? connect : total, total, total);
    }

    /** A duration as people read it: {@code 3 s}, {@code 250 ms}, {@code 10 min}. */
    static String describe(Duration d) {
        if (d.toMillis() < 1000) return d.toMillis() + " ms";
        if (d.toSeconds() >= 120 && d.toSeconds() % 60 == 0) return d.toMinutes() + " min";
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}

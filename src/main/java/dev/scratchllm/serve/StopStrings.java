/*
 * StopStrings: finds stop strings in streamed text. Text that could still be the start of a stop
 * string is held back until the next piece decides it, so a client never sees part of a stop
 * string; once one is found, the text before it is released and the stream is over.
 *
 * It works on decoded text (after StreamingDecoder), not on token ids.
 */
package dev.scratchllm.serve;

import java.util.List;

/** Stop-string detection over a stream of text pieces. */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    /**
     * A detector.
     *
     * @param stops the stop strings (non-empty strings)
     */
    public StopStrings(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /**
     * Adds a piece and returns the text that is safe to release.
     *
     * @param piece the next piece of text
     * @return the text before any stop string, minus a tail that may start one
     */
    public String push(String piece) {
        if (stopped) return "";
        held.append(piece);
        int first = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            stopped = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        String h = held.toString();
        int keep = 0; // the longest tail of held that is a proper prefix of a stop string
        for (String s : stops)
            for (int k = Math.min(s.length() - 1, h.length()); k > keep; k--)
                if (h.regionMatches(h.length() - k, s, 0, k)) {
                    keep = k;
                    break;
                }
        held.delete(0, h.length() - keep);
        return h.substring(0, h.length() - keep);
    }

    /**
     * The held-back tail at the end of the stream (empty after a stop).
     *
     * @return the rest of the text
     */
    public String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /**
     * Whether a stop string was found.
     *
     * @return true after a stop
     */
    public boolean stopped() {
        return stopped;
    }
}

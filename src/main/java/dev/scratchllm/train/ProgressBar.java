package dev.scratchllm.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line terminal progress bar, redrawn in place with a carriage return:
 * {@code Epoch 1/10 [#########.........] 9/18 loss 7.912 | 1532 tok/s | 0:12}. On a stream that
 * is not a terminal (CI logs) it prints only at the end, so logs stay short. Not thread-safe.
 */
public final class ProgressBar {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final boolean live;
    private final long start = System.nanoTime();
    private int done;
    private String status = "";

    /**
     * A bar for {@code total} steps; {@code live} redraws on every update (use
     * {@code System.console() != null}).
     *
     * @param out where to draw
     * @param label the text before the bar
     * @param total the number of steps (at least 1 is assumed)
     * @param live whether to redraw on every step
     */
    public ProgressBar(PrintStream out, String label, int total, boolean live) {
        this.out = out;
        this.label = label;
        this.total = Math.max(total, 1);
        this.live = live;
    }

    /**
     * Advances by one step and sets the status text after the bar.
     *
     * @param status the text shown after the bar
     */
    public void step(String status) {
        done++;
        this.status = status;
        if (live) draw(false);
    }

    /** Prints the final state and a newline. */
    public void finish() {
        draw(true);
    }

    private void draw(boolean last) {
        int width = 30;
        int filled = (int) ((long) width * Math.min(done, total) / total);
        long secs = (System.nanoTime() - start) / 1_000_000_000L;
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %s | %d:%02d", label, "#".repeat(filled), ".".repeat(width - filled),
                done, total, status, secs / 60, secs % 60);
        out.print((live ? "\r" : "") + line + (last ? "\n" : ""));
        out.flush();
    }
}

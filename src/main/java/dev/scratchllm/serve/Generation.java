/*
 * Generation: one request's generation from prompt ids to text pieces: the model's tokens go
 * through the streaming decoder (whole UTF-8 characters only) and the stop strings (nothing of a
 * stop string is released), and each piece goes to the sink, the HTTP response for a stream. It
 * stops at the end-of-text token, at max tokens, at a stop string, when the sink fails (the client
 * went away), when the request's deadline passes, or when the server cancels it (shutdown).
 *
 * It does not write HTTP: the API classes turn pieces and the outcome into their formats.
 */
package dev.scratchllm.serve;

import java.io.IOException;

/** Runs a generation for one request. */
final class Generation {
    private Generation() {
    }

    /** Receives text pieces as they are ready. */
    interface Sink {
        void accept(String piece) throws IOException;
    }

    /**
     * An admitted request that the server (shutdown) or its heartbeat (a hang-up) can cancel: a
     * running generation stops at its next token; a request still waiting for a turn is
     * interrupted out of the wait.
     */
    static final class Job {
        final long deadlineNanos;
        private volatile String cancelReason;
        private Thread waiter;

        Job(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        void cancel(String reason) {
            cancelReason = reason;
            synchronized (this) {
                if (waiter != null) waiter.interrupt();
            }
        }

        /** The calling thread waits for a turn from now on: {@link #cancel} interrupts it. */
        synchronized void waiting() {
            waiter = Thread.currentThread();
            if (cancelReason != null) waiter.interrupt(); // cancelled before it started to wait
        }

        /** The wait is over: no later cancel interrupts this thread, and a pending interrupt from {@link #cancel} is cleared. */
        synchronized void doneWaiting() {
            if (waiter != null && cancelReason != null) Thread.interrupted();
            waiter = null;
        }

        String cancelReason() {
            return cancelReason;
        }
    }

    /**
     * The result.
     *
     * @param text all the text released
     * @param promptTokens the prompt's length in tokens
     * @param completionTokens the tokens generated
     * @param finishReason {@code stop} or {@code length}; or {@code timeout}, {@code disconnected},
     *     {@code cancelled} when the request did not end normally
     * @param promptNanos time to the first new token (the prompt's forward pass)
     * @param totalNanos time of the whole generation
     */
    record Outcome(String text, int promptTokens, int completionTokens, String finishReason, long promptNanos, long totalNanos) {
        boolean normal() {
            return finishReason.equals("stop") || finishReason.equals("length");
        }
    }

    static Outcome run(ModelBackend model, int[] prompt, SamplingParams p, Job job, Sink sink) {
        long t0 = System.nanoTime();
        var decoder = model.newDecoder();
        var stops = new StopStrings(p.stop());
        StringBuilder all = new StringBuilder();
        int[] count = {0};
        long[] firstToken = {0};
        String[] abnormal = {null};
        ModelBackend.Finish finish = model.generate(prompt, p, id -> {
            if (count[0]++ == 0) firstToken[0] = System.nanoTime();
            String piece = stops.push(decoder.push(id));
            if (!emit(piece, all, sink, abnormal)) return false;
            if (stops.stopped()) return false;
            if (job.cancelReason() != null) {
                abnormal[0] = job.cancelReason();
                return false;
            }
            if (System.nanoTime() - job.deadlineNanos > 0) {
                abnormal[0] = "timeout";
                return false;
            }
            return true;
        });
        if (abnormal[0] == null && !stops.stopped()) emit(stops.push(decoder.flush()) + stops.flush(), all, sink, abnormal);
        String reason = abnormal[0] != null ? abnormal[0] : stops.stopped() || finish == ModelBackend.Finish.EOS ? "stop" : "length";
        long end = System.nanoTime();
        return new Outcome(all.toString(), prompt.length, count[0], reason, (count[0] > 0 ? firstToken[0] : end) - t0, end - t0);
    }

    private static boolean emit(String piece, StringBuilder all, Sink sink, String[] abnormal) {
        if (piece.isEmpty()) return true;
        all.append(piece);
        try {
            sink.accept(piece);
            return true;
        } catch (IOException e) {
            abnormal[0] = "disconnected";
            return false;
        }
    }
}

/*
 * StreamedReply: one generation on the command line: the backend's tokens go through the
 * streaming decoder (whole UTF-8 characters only) and the stop strings, and each piece is printed
 * as soon as it is ready. Used by "generate" and "chat".
 *
 * It does not format prompts: the caller encodes them.
 */
package dev.scratchllm.cli;

import dev.scratchllm.serve.ModelBackend;
import dev.scratchllm.serve.SamplingParams;
import dev.scratchllm.serve.StopStrings;

import java.io.PrintStream;

/** Generates and prints a reply piece by piece. */
final class StreamedReply {
    private StreamedReply() {
    }

    /**
     * The result.
     *
     * @param text the text printed
     * @param tokens the tokens generated
     * @param finish why it ended
     * @param nanos the time it took (prompt included)
     */
    record Result(String text, int tokens, ModelBackend.Finish finish, long nanos) {
    }

    static Result run(ModelBackend b, int[] prompt, SamplingParams p, PrintStream out) {
        long t0 = System.nanoTime();
        var decoder = b.newDecoder();
        var stops = new StopStrings(p.stop());
        StringBuilder all = new StringBuilder();
        int[] count = {0};
        ModelBackend.Finish finish = b.generate(prompt, p, id -> {
            count[0]++;
            String piece = stops.push(decoder.push(id));
            all.append(piece);
            out.print(piece);
            out.flush();
            return !stops.stopped();
        });
        if (!stops.stopped()) {
            String tail = stops.push(decoder.flush()) + stops.flush();
            all.append(tail);
            out.print(tail);
        }
        out.flush();
        return new Result(all.toString(), count[0], stops.stopped() ? ModelBackend.Finish.EOS : finish, System.nanoTime() - t0);
    }
}

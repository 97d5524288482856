// DeadlineBody: sends an HTTP request with java.net.http and hands back the response body as an
// InputStream whose every read has a deadline (NetLimits): no bytes for `stall`, or the exchange
// older than `total`, and the read throws an HttpTimeoutException naming the limit. The JDK's own
// InputStream handler blocks forever on a server that sent its headers and then went quiet.
// It does not retry, decode, or bound the number of bytes (callers count what they read).
package dev.scratchllm.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * HTTP exchanges whose body reads are bounded in time.
 *
 * <pre>{@code
 * HttpResponse<InputStream> r = DeadlineBody.send(client, HttpRequest.newBuilder(uri).GET(), limits, "download of " + uri);
 * try (InputStream in = r.body()) { ... }   // a read throws HttpTimeoutException past a limit
 * }</pre>
 */
public final class DeadlineBody {
    private DeadlineBody() {
    }

    /**
     * Sends {@code request} and returns the response as soon as its headers arrive; the body
     * stream enforces {@code limits.stall()} between pieces and {@code limits.total()} from now.
     * The request's own timeout is set to what is left of the total. The client's connect
     * timeout is the caller's (build it with {@code limits.connect()}).
     *
     * @param client the client
     * @param request the request, without a timeout (this sets it)
     * @param limits the time limits
     * @param what what the exchange is, for messages ("download of https://...")
     * @return the response; close its body when done (that cancels the exchange)
     * @throws HttpTimeoutException if no headers came within the total limit
     * @throws IOException if the request fails, or the thread is interrupted
     */
    public static HttpResponse<InputStream> send(HttpClient client, HttpRequest.Builder request, NetLimits limits, String what) throws IOException {
        long deadline = System.nanoTime() + limits.total().toNanos();
        try {
            return client.send(request.timeout(limits.total()).build(), info -> new Subscriber(what, limits, deadline));
        } catch (java.net.http.HttpConnectTimeoutException e) {
            throw new java.net.http.HttpConnectTimeoutException(what + ": no connection within the connect limit (" + e.getMessage() + ")");
        } catch (HttpTimeoutException e) {
            throw new HttpTimeoutException(what + ": no answer within " + NetLimits.describe(limits.total()) + " (the time limit)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", e);
        }
    }

    /** Collects the body's pieces in a queue; the stream takes them with a timeout. */
    private static final class Subscriber implements HttpResponse.BodySubscriber<InputStream> {
        private static final Object END = new Object();
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final Stream stream;
        private volatile Flow.Subscription subscription;

        Subscriber(String what, NetLimits limits, long deadline) {
            this.stream = new Stream(what, limits, deadline);
        }

        @Override
        public CompletionStage<InputStream> getBody() {
            return CompletableFuture.completedFuture(stream);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (stream.closed) s.cancel();
            else s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            queue.add(item);
        }

        @Override
        public void onError(Throwable t) {
            queue.add(t);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        private void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) s.cancel();
        }

        /** The body: one piece at a time, each wait bounded by the stall limit and the deadline. */
        private final class Stream extends InputStream {
            private final String what;
            private final NetLimits limits;
            private final long deadline;
            private Iterator<ByteBuffer> pieces = List.<ByteBuffer>of().iterator();
            private ByteBuffer current = ByteBuffer.allocate(0);
            private boolean ended;
            private IOException failure;   // a timeout or a transport error, thrown again by later reads
            private volatile boolean closed;

            Stream(String what, NetLimits limits, long deadline) {
                this.what = what;
                this.limits = limits;
                this.deadline = deadline;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (closed) throw new IOException(what + ": the response stream is closed");
                if (len == 0) return 0;
                if (!fill()) return -1;
                int n = Math.min(len, current.remaining());
                current.get(b, off, n);
                return n;
            }

            @Override
            public int available() {
                return current.remaining();
            }

            /** Makes {@code current} non-empty; false at the end of the body. */
            private boolean fill() throws IOException {
                if (failure != null) throw failure;
                // a trickling server delivers something before every stall limit: the deadline catches it
                if (System.nanoTime() - deadline > 0) throw timeout(false);
                while (!current.hasRemaining()) {
                    if (pieces.hasNext()) {
                        current = pieces.next();
                        continue;
                    }
                    if (ended) return false;
                    long left = deadline - System.nanoTime();
                    if (left <= 0) throw timeout(false);
                    long wait = Math.min(left, limits.stall().toNanos());
                    Object item;
                    try {
                        item = queue.poll(wait, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        cancel();
                        throw new IOException(what + ": interrupted", e);
                    }
                    if (item == null) throw timeout(wait < limits.stall().toNanos());
                    if (item == END) {
                        ended = true;
                    } else if (item instanceof Throwable t) {
                        failure = new IOException(what + ": " + t.getMessage(), t);
                        throw failure;
                    } else {
                        @SuppressWarnings("unchecked") List<ByteBuffer> list = (List<ByteBuffer>) item;
                        pieces = list.iterator();
                        subscription.request(1);
                    }
                }
                return true;
            }

            private HttpTimeoutException timeout(boolean total) {
                cancel();
                HttpTimeoutException e = new HttpTimeoutException(total || System.nanoTime() - deadline >= 0
                        ? what + ": not complete within " + NetLimits.describe(limits.total()) + " (the time limit); the server is too slow or stalled"
                        : what + ": no data for " + NetLimits.describe(limits.stall()) + " (the stall limit); the server stopped sending");
                failure = e;
                return e;
            }

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                cancel();
            }
        }
    }
}

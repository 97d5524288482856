package dev.scratchllm.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 server on the loopback address that answers every request with status 200 and
 * headers at once, then misbehaves in the body: it stalls, trickles one byte at a time, or sends
 * one endless line. A raw socket, so nothing in between buffers or times out.
 */
public final class MisbehavingServer implements AutoCloseable {
    /** What the body does after the headers. */
    public enum Mode {
        /** Sends {@code prefix}, then nothing, with the connection open. */
        STALL,
        /** Sends {@code prefix}, then one byte {@code a} every 50 ms. */
        TRICKLE,
        /** Sends {@code prefix}, then {@code a} as fast as the client reads, never a newline. */
        ENDLESS_LINE
    }

    private final ServerSocket server;
    private final Mode mode;
    private final byte[] prefix;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * Starts the server.
     *
     * @param mode what the body does
     * @param prefix the body's first bytes, sent at once
     * @throws IOException if the socket cannot be opened
     */
    public MisbehavingServer(Mode mode, String prefix) throws IOException {
        this.mode = mode;
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "misbehaving-server");
        t.setDaemon(true);
        t.start();
    }

    /**
     * An address on this server.
     *
     * @param path the path, starting with {@code /}
     * @return {@code http://127.0.0.1:<port><path>}
     */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread t = new Thread(() -> serve(s), "misbehaving-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            readHeaders(s.getInputStream());
            OutputStream out = s.getOutputStream();
            // a Content-Length far beyond what is sent: the client waits for the rest
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000000000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(prefix);
            out.flush();
            byte[] block = new byte[1 << 16];
            Arrays.fill(block, (byte) 'a');
            while (!closed) {
                switch (mode) {
                    case STALL -> Thread.sleep(100);
                    case TRICKLE -> {
                        out.write('a');
                        out.flush();
                        Thread.sleep(50);
                    }
                    case ENDLESS_LINE -> out.write(block);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away: done
        }
    }

    private static void readHeaders(InputStream in) throws IOException {
        int state = 0;   // counts the bytes of "\r\n\r\n" seen in a row
        for (int b; state < 4 && (b = in.read()) >= 0; )
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : clients) s.close();
    }
}

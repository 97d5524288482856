package dev.scratchllm.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 client on a socket, so a test can read part of a stream and then hang up, as a closed browser tab does. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;

    RawClient(URI base, String path, String json) throws IOException {
        socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(30_000);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines until one contains {@code marker}; returns it, or null at the end of the stream. */
    String readUntil(String marker) throws IOException {
        for (String line; (line = in.readLine()) != null; ) if (line.contains(marker)) return line;
        return null;
    }

    /** Everything until the server closes the stream (the terminating zero-length chunk). */
    String readToEnd() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            sb.append(line).append('\n');
            if (line.equals("0")) break; // the last chunk of a chunked response
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

// Starts the ScratchLLM Jupyter kernel for a connection file (Jupyter passes {connection_file}),
// or, with --check, prints what the kernel's JVM offers (Java version, Vector API, the library)
// and exits: InstallKernel runs the kernelspec's command line that way to check it.
package dev.scratchllm.notebook;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

import java.nio.file.Files;
import java.nio.file.Path;

/** The kernel's entry point. */
public final class KernelMain {
    /** The flag that prints the JVM's facts instead of starting the kernel. */
    public static final String CHECK = "--check";

    private KernelMain() {
    }

    /**
     * Runs the kernel, or the check.
     *
     * @param args the connection file, or {@value #CHECK}
     * @throws Exception when the connection file cannot be read or the sockets cannot be bound
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals(CHECK)) {
            System.out.println(checkReport());
            return;
        }
        if (args.length != 1) throw new IllegalArgumentException("usage: KernelMain <connection file> | " + CHECK);
        Path connectionFile = Path.of(args[0]);
        if (!Files.isRegularFile(connectionFile)) throw new IllegalArgumentException("connection file " + connectionFile + " is not a file");
        JupyterConnection connection = new JupyterConnection(KernelConnectionProperties.parse(Files.readString(connectionFile)));
        ScratchKernel kernel = ScratchKernel.builder().build();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
    }

    /**
     * One line per fact: {@code java.version=…}, {@code vector.api=true|false}, {@code library=…}.
     *
     * @return the report
     */
    static String checkReport() {
        String library;
        try {
            Class<?> c = Class.forName("dev.scratchllm.ScratchLLM");
            library = c.getName() != null ? "present" : "missing";
        } catch (ClassNotFoundException e) {
            library = "missing";
        }
        return "java.version=" + Runtime.version().feature() + "\n"
                + "vector.api=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() + "\n"
                + "library=" + library;
    }
}

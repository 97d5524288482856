package dev.scratchllm.kernels;

import java.lang.reflect.Constructor;
import java.util.logging.Logger;

/**
 * Chooses the kernel implementation once per JVM: the Vector API one when the module
 * {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}), else {@link ScalarKernels}. The choice is logged
 * once. The SIMD class is loaded reflectively so this class never links against the
 * incubator module. Setting the system property {@code scratchllm.kernels=scalar} forces the
 * scalar implementation.
 */
public final class KernelProvider {
    private static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());
    private static final String SIMD_CLASS = "dev.scratchllm.kernels.VectorKernels";
    private static volatile Kernels instance;

    private KernelProvider() {
    }

    /**
     * The kernels in use, chosen on the first call (thread-safe) and shared afterwards.
     *
     * @return the one {@link Kernels} instance of this JVM: the Vector API implementation when
     *         it could be loaded and {@code scratchllm.kernels} is not {@code scalar}, else a
     *         {@link ScalarKernels}; the same object on every call
     */
    public static Kernels get() {
        Kernels k = instance;
        if (k == null) {
            synchronized (KernelProvider.class) {
                k = instance;
                if (k == null) {
                    boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
                    k = choose(vectorModule, System.getProperty("scratchllm.kernels", ""));
                    final Kernels chosen = k;
                    LOG.fine(() -> "ScratchLLM kernels: " + chosen.name()
                            + ("simd".equals(chosen.name()) ? "; SGEMM packing: " + AlignedBuffers.DESCRIPTION : ""));
                    instance = k;
                    if (!vectorModule) {
                        LOG.info("ScratchLLM: jdk.incubator.vector is not available; using scalar kernels "
                                + "(start the JVM with --add-modules jdk.incubator.vector for SIMD)");
                    }
                }
            }
        }
        return k;
    }

    /** The selection rule, separated for tests: SIMD only if the module is present and not overridden. */
    static Kernels choose(boolean vectorModulePresent, String override) {
        if (!vectorModulePresent || "scalar".equalsIgnoreCase(override)) return new ScalarKernels();
        try {
            Class<?> c = Class.forName(SIMD_CLASS);
            Constructor<?> ctor = c.getDeclaredConstructor();
            return (Kernels) ctor.newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warning("ScratchLLM: could not load SIMD kernels (" + e + "); using scalar kernels");
            return new ScalarKernels();
        }
    }

    /**
     * The Vector API implementation if it can be loaded in this JVM, else null (for tests and
     * benchmarks that compare it with {@link ScalarKernels}). It ignores the
     * {@code scratchllm.kernels} property and does not change what {@link #get()} returns.
     *
     * @return a new instance of the Vector API implementation, or null when
     *         {@code jdk.incubator.vector} is not in the boot layer or the class fails to load
     *         (the failure is logged)
     */
    public static Kernels simdOrNull() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return null;
        Kernels k = choose(true, "");
        return k.getClass() == ScalarKernels.class ? null : k;
    }
}

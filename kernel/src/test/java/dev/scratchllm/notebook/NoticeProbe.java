// Runs one cell in a fresh kernel and exits: ScratchKernelTest starts it in a JVM without the Vector API.
package dev.scratchllm.notebook;

final class NoticeProbe {
    private NoticeProbe() {
    }

    public static void main(String[] args) {
        ScratchKernel k = ScratchKernel.builder().build();
        System.out.println("value: " + k.evalRaw("1 + 1"));
        System.out.println("second: " + k.evalRaw("2 + 2"));
        k.onShutdown(false);
    }
}

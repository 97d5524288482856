// Reference adapter for listing 4.3 (default build only): the library's GELU under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch04;

/** {@link dev.scratchllm.nn.GELU}, unchanged. */
public class GELU extends dev.scratchllm.nn.GELU {
}

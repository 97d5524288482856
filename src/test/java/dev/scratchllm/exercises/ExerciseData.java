// Inputs shared by the exercise tests: the book's data files (a test that needs a missing one is
// skipped and says which file and where it was looked for) and the small tensors of chapter 3.
// It refers to no exercise class, so ExerciseStubsTest can run the tests against compiled stubs.
package dev.scratchllm.exercises;

import dev.scratchllm.data.DataFiles;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

import static dev.scratchllm.ScratchLLM.stack;
import static dev.scratchllm.ScratchLLM.tensor;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Test inputs of the exercise tests. */
final class ExerciseData {
    private ExerciseData() {
    }

    /** A file of the book's data (the-verdict.txt, …); skips the calling test when it is missing. */
    static String bookFile(String name) {
        assumeBookFile(name);
        return DataFiles.readString(name);
    }

    /** Skips the calling test when the book's data file {@code name} is missing. */
    static void assumeBookFile(String name) {
        assumeTrue(DataFiles.find(name).isPresent(), () -> "skipped: " + name + " is missing, set SCRATCHLLM_DATA to a folder that has it ("
                + DataFiles.describeSearch(name) + ")");
    }

    /** The short story of chapters 2 and 5. */
    static String theVerdict() {
        return bookFile("the-verdict.txt");
    }

    /** "Your journey starts with one step" embedded in 3 dimensions (section 3.3.1), shape (6, 3). */
    static Tensor attentionInputs() {
        return tensor(new float[][] {
                {0.43f, 0.15f, 0.89f}, {0.55f, 0.87f, 0.66f}, {0.57f, 0.85f, 0.64f},
                {0.22f, 0.58f, 0.33f}, {0.77f, 0.25f, 0.10f}, {0.05f, 0.80f, 0.55f}});
    }

    /** Two copies of {@link #attentionInputs()}, the batch of section 3.5.3, shape (2, 6, 3). */
    static Tensor attentionBatch() {
        return stack(List.of(attentionInputs(), attentionInputs()), 0);
    }

    /** Two identical sequences printed the way PyTorch prints a (2, rows, cols) tensor. */
    static String twoCopies(String rows, String gradFn) {
        return "tensor([" + rows + ",\n\n        " + rows + "], grad_fn=<" + gradFn + ">)";
    }

    /** PyTorch's {@code torch.Size([...])}. */
    static String shape(Tensor t) {
        return "torch.Size(" + Arrays.toString(t.shape()) + ")";
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+\\.\\d+(e[-+]\\d+)?");

    /**
     * {@code t} prints like {@code book} once the numbers are masked out, and every printed number
     * is within one unit of the book's last printed digit (1e-4): summation order may move the
     * fourth decimal of a logit.
     */
    static void assertPrintsLike(Tensor t, String book) {
        String ours = t.toString();
        org.assertj.core.api.Assertions.assertThat(NUMBER.matcher(ours).replaceAll("#")).isEqualTo(NUMBER.matcher(book).replaceAll("#"));
        var a = NUMBER.matcher(ours).results().map(r -> Double.parseDouble(r.group())).toList();
        var b = NUMBER.matcher(book).results().map(r -> Double.parseDouble(r.group())).toList();
        for (int i = 0; i < b.size(); i++)
            org.assertj.core.api.Assertions.assertThat(a.get(i)).as("printed number " + i + " of\n" + ours)
                    .isCloseTo(b.get(i), org.assertj.core.api.Assertions.within(1.0001e-4));
    }

    /** Asserts that two float arrays agree element by element within {@code tolerance}, naming the first differing index. */
    static void assertClose(float[] actual, float[] expected, float tolerance, String what) {
        org.assertj.core.api.Assertions.assertThat(actual).as(what + ": number of values").hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance))
                throw new AssertionError(what + ": value " + i + " is " + actual[i] + ", expected " + expected[i] + " (tolerance " + tolerance + ")");
        }
    }
}

// Marks an exercise test with the exercise(s) it checks, for the summary of exercise mode and for
// ExerciseStubsTest. It does not change how the test runs.
package dev.scratchllm.exercises;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The exercises a test method checks; {@link ExerciseReport} files its outcome under them. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Checks {
    /** The exercises this test checks; the first names the test ({@code listing3_1_...}). */
    Exercise[] value();

    /** Exercises whose stubs the test also goes through (listing 2.4's tokenizer extends listing 2.3's). */
    Exercise[] after() default {};
}

// Exercises 6.2 and 6.3 in Java, with the chapter's code they change: the model surgery of
// section 6.5 (prepareForClassification; exercise 6.2 trains every layer) and the classification
// loss of section 6.6 (calcLossBatch; exercise 6.3 reads the first token instead of the last).
// You write: both methods. Given: the two token positions.
// Check them: mvn test -Pexercises -Dtest='Ch06ExerciseTest#exercise6_2*' (or #exercise6_3*)
// Guides: docs/ch06.md#exercise-6-2, docs/ch06.md#exercise-6-3
// Reference solutions: dev.scratchllm.finetune.Classification (calcLossBatch with its helper logitsAt).
package dev.scratchllm.exercises.ch06;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/** Chapter 6's classifier set-up and loss. */
public final class Classification {
    /** Given: the last token's logits, {@code model(x)[:, -1, :]} (the book). */
    public static final int LAST_TOKEN = -1;
    /** Given: the first token's logits (exercise 6.3). */
    public static final int FIRST_TOKEN = 0;

    private Classification() {
    }

    /**
     * TODO: freeze every parameter ({@code model.requiresGrad(false)}); {@code manualSeed(seed)};
     * a new output layer {@code Linear(emb_dim, numClasses)} with bias ({@code model.setOutHead});
     * make the last transformer block ({@code model.trfBlock(-1)}) and the final norm trainable
     * again. With {@code trainAllLayers} (exercise 6.2) every parameter is trainable.
     *
     * @return the new output layer
     */
    public static Linear prepareForClassification(GPTModel model, int numClasses, long seed, boolean trainAllLayers) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_6_2);
    }

    /**
     * TODO: the model's logits {@code (b, T, num_classes)} at position {@code tokenIndex}
     * ({@link #LAST_TOKEN} is {@code -1}: count from the end), {@code (b, num_classes)}, and their
     * cross entropy against the labels {@code targetBatch (b)}.
     */
    public static Tensor calcLossBatch(Tensor inputBatch, Tensor targetBatch, Module model, int tokenIndex) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_6_3);
    }
}

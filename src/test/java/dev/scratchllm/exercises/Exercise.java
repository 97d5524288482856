// The list of exercises of exercise mode (docs/exercises.md), in the book's order: for each one
// the label (from the constant's name), what the learner writes, the stub file and the guide anchor.
// It does not hold solutions (the library's classes are the reference) or run anything.
package dev.scratchllm.exercises;

import java.util.Locale;

/**
 * Every exercise a learner can do in Java, named after the book's listing or exercise:
 * {@code LISTING_3_1} is "Listing 3.1" and its guide section is {@code docs/ch03.md#listing-3-1}.
 *
 * <p>A stub in {@code exercises/src/main/java/dev/scratchllm/exercises/} throws
 * {@code new ExerciseNotDoneException(Exercise.LISTING_3_1)} until the learner replaces it; the
 * tests in this package are annotated with the exercises they check ({@link Checks}).
 */
public enum Exercise {
    LISTING_2_3("ch02", "SimpleTokenizerV1: encode, idOf, decode", "ch02/SimpleTokenizerV1.java"),
    LISTING_2_4("ch02", "SimpleTokenizerV2: <|unk|> for unknown words", "ch02/SimpleTokenizerV2.java"),
    LISTING_2_5("ch02", "GPTDatasetV1: the sliding window", "ch02/GPTDatasetV1.java"),
    EXERCISE_2_2("ch02", "loaders with other max_length and stride", "ch02/Exercise2_2.java"),

    LISTING_3_1("ch03", "SelfAttentionV1.forward", "ch03/SelfAttentionV1.java"),
    LISTING_3_2("ch03", "SelfAttentionV2.forward", "ch03/SelfAttentionV2.java"),
    LISTING_3_3("ch03", "CausalAttention.forward", "ch03/CausalAttention.java"),
    LISTING_3_4("ch03", "MultiHeadAttentionWrapper.forward", "ch03/MultiHeadAttentionWrapper.java"),
    LISTING_3_5("ch03", "MultiHeadAttention.forward", "ch03/MultiHeadAttention.java"),
    EXERCISE_3_1("ch03", "SelfAttentionV1 with V2's weights", "ch03/Exercise3_1.java"),
    EXERCISE_3_2("ch03", "two heads, two-dimensional outputs", "ch03/Exercise3_2.java"),
    EXERCISE_3_3("ch03", "a GPT-2-sized MultiHeadAttention", "ch03/Exercise3_3.java"),

    LISTING_4_2("ch04", "LayerNorm.forward", "ch04/LayerNorm.java"),
    LISTING_4_3("ch04", "GELU.forward", "ch04/GELU.java"),
    LISTING_4_6("ch04", "TransformerBlock.forward", "ch04/TransformerBlock.java"),
    LISTING_4_7("ch04", "GPTModel.forward", "ch04/GPTModel.java"),
    LISTING_4_8("ch04", "generateTextSimple", "ch04/Generation.java"),
    EXERCISE_4_1("ch04", "feed-forward vs attention parameters", "ch04/Exercise4_1.java"),
    EXERCISE_4_2("ch04", "GPT-2 medium, large, XL: parameters, size", "ch04/Exercise4_2.java"),

    LISTING_5_1("ch05", "textToTokenIds, tokenIdsToText", "ch05/TextGeneration.java"),
    LISTING_5_2("ch05", "calcLossBatch, calcLossLoader", "ch05/Training.java"),
    LISTING_5_3("ch05", "evaluateModel, trainModelSimple", "ch05/Training.java"),
    LISTING_5_4("ch05", "generate: temperature, top-k, eos", "ch05/TextGeneration.java"),
    EXERCISE_5_1("ch05", "how often \"pizza\" is sampled", "ch05/Exercise5_1.java"),
    EXERCISE_5_3("ch05", "deterministic decoding", "ch05/Exercise5_3.java"),

    LISTING_6_4("ch06", "SpamDataset: truncate and pad", "ch06/SpamDataset.java"),
    EXERCISE_6_1("ch06", "pad to the full context length", "ch06/Exercise6_1.java"),
    EXERCISE_6_2("ch06", "prepareForClassification, all layers", "ch06/Classification.java"),
    EXERCISE_6_3("ch06", "calcLossBatch on the first token", "ch06/Classification.java"),

    LISTING_7_2("ch07", "formatInput: the Alpaca prompt", "ch07/InstructionData.java"),
    LISTING_7_5("ch07", "customCollate", "ch07/Collate.java"),
    EXERCISE_7_1("ch07", "the Phi-3 prompt style", "ch07/InstructionData.java"),
    EXERCISE_7_2("ch07", "customCollateWithMasking", "ch07/Collate.java"),

    LISTING_E_5("appendix-e", "LoRALayer.forward", "appendixe/LoRALayer.java"),
    LISTING_E_6("appendix-e", "LinearWithLoRA.forward", "appendixe/LinearWithLoRA.java");

    /** Where the learner's stubs live, relative to the repository root. */
    public static final String STUB_ROOT = "exercises/src/main/java/dev/scratchllm/exercises/";
    /** Where the reference adapters of the default build live, relative to the repository root. */
    public static final String REFERENCE_ROOT = "exercises/src/reference/java/dev/scratchllm/exercises/";

    private final String guide, task, stub;

    Exercise(String guide, String task, String stub) {
        this.guide = guide;
        this.task = task;
        this.stub = stub;
    }

    /** "Listing 3.1" or "Exercise 2.2", from the constant's name. */
    public String label() {
        String[] p = name().split("_");
        String kind = p[0].charAt(0) + p[0].substring(1).toLowerCase(Locale.ROOT);
        return kind + " " + p[1] + "." + p[2];
    }

    /** What the learner writes, e.g. "SelfAttentionV1.forward". */
    public String task() {
        return task;
    }

    /** The stub's path below {@link #STUB_ROOT}, e.g. {@code ch03/SelfAttentionV1.java}. */
    public String stub() {
        return stub;
    }

    /** The stub's path from the repository root. */
    public String stubFile() {
        return STUB_ROOT + stub;
    }

    /** The guide's file, e.g. {@code docs/ch03.md}. */
    public String guideFile() {
        return "docs/" + guide + ".md";
    }

    /** The anchor in the guide, e.g. {@code listing-3-1}. */
    public String anchor() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The guide section, e.g. {@code docs/ch03.md#listing-3-1}. */
    public String guide() {
        return guideFile() + "#" + anchor();
    }
}

package dev.scratchllm.finetune;

/**
 * One row of chapter 6's {@code train.csv}, {@code validation.csv} or {@code test.csv}: the
 * class label (ham 0, spam 1) and the message text.
 *
 * @param label the class index, {@code >= 0}
 * @param text  the text, verbatim
 */
public record LabeledText(int label, String text) {
    /**
     * Checks the label and the text.
     *
     * @throws IllegalArgumentException if the label is negative or the text is null
     */
    public LabeledText {
        if (label < 0) throw new IllegalArgumentException("LabeledText: the label must be >= 0, got " + label);
        if (text == null) throw new IllegalArgumentException("LabeledText: the text is null");
    }
}

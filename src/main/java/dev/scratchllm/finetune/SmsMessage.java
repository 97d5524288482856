package dev.scratchllm.finetune;

/**
 * One row of the SMS Spam Collection as the book's DataFrame holds it
 * ({@code pd.read_csv(path, sep="\t", header=None, names=["Label", "Text"])}).
 *
 * @param index the row's position in the file as pandas counts rows (its DataFrame index, 0-based)
 * @param label {@code "ham"} or {@code "spam"}
 * @param text  the message, verbatim (may hold line breaks: see {@link SpamData#readSmsSpamCollection})
 */
public record SmsMessage(int index, String label, String text) {
    /**
     * The book's {@code df["Label"].map({"ham": 0, "spam": 1})}.
     *
     * @return 0 for "ham", 1 for "spam"
     * @throws IllegalArgumentException for another label
     */
    public int labelId() {
        return switch (label) {
            case "ham" -> 0;
            case "spam" -> 1;
            default -> throw new IllegalArgumentException("SmsMessage " + index + ": unknown label \"" + label + "\" (expected ham or spam)");
        };
    }

    /**
     * This row as a {@link LabeledText} with the label mapped to 0/1.
     *
     * @return the labelled text
     * @throws IllegalArgumentException if the label is neither "ham" nor "spam"
     */
    public LabeledText toLabeled() {
        return new LabeledText(labelId(), text);
    }
}

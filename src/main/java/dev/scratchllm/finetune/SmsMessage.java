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
    /** The book's {@code df["Label"].map({"ham": 0, "spam": 1})}. */
    public int labelId() {
        return switch (label) {
            case "ham" -> 0;
            case "spam" -> 1;
            default -> throw new IllegalArgumentException("SmsMessage " + index + ": unknown label \"" + label + "\" (expected ham or spam)");
        };
    }

    /** This row as a {@link LabeledText} with the label mapped to 0/1. */
    public LabeledText toLabeled() {
        return new LabeledText(labelId(), text);
    }
}

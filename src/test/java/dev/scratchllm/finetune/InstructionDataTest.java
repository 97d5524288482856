package dev.scratchllm.finetune;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstructionDataTest {
    @Test
    void pythonStripRemovesUnicodeWhitespaceOnly() {
        assertThat(InstructionData.pythonStrip("\u00a0\t\n answer \u2003\r\n")).isEqualTo("answer");
        assertThat(InstructionData.pythonStrip("\u200bx\u200b")).isEqualTo("\u200bx\u200b"); // zero-width space is not whitespace in Python
    }

    @Test
    void phi3ResponsesLoseTheAssistantMarker() {
        String input = "<|user|>\nName a color.";
        assertThat(InstructionData.extractResponse(input + "\n<|assistant|>:\nRed.", input, InstructionData.PromptStyle.PHI3)).isEqualTo("Red.");
    }

    @Test
    void jsonEscapesLikePythonEnsureAscii() {
        StringBuilder sb = new StringBuilder();
        InstructionData.pythonQuote(sb, "caf\u00e9 \u2014 \ud83d\ude00 \u007f tab\t");
        assertThat(sb).hasToString("\"caf\\u00e9 \\u2014 \\ud83d\\ude00 \\u007f tab\\t\"");
        assertThat(InstructionData.toJson(List.of())).isEqualTo("[]");
    }

    @Test
    void theBookSplitOfSmallLists() {
        List<InstructionEntry> ten = java.util.stream.IntStream.range(0, 10).mapToObj(i -> new InstructionEntry("i" + i, "", "o")).toList();
        InstructionData.Split s = InstructionData.split(ten);
        assertThat(List.of(s.train().size(), s.test().size(), s.validation().size())).containsExactly(8, 1, 1);
    }

    @Test
    void collateRejectsEmptyBatchesAndBadLimits() {
        assertThatThrownBy(() -> Collate.customCollate(List.of())).hasMessageContaining("empty");
        assertThatThrownBy(() -> Collate.customCollateFn(0)).hasMessageContaining("positive");
        // a real 50256 in the text would also be masked after the first, as in the book's code
        var io = Collate.customCollate(List.of(new int[] {1, 50256, 2}, new int[] {3}));
        assertThat(io[1].toLongArray()).containsExactly(50256, 2, -100, 50256, -100, -100); // the closing 50256 of row 0 is masked too
    }
}

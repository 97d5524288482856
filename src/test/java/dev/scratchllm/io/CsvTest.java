package dev.scratchllm.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pandas' (and Python csv's) quoting rules, which decide how many rows the SMS Spam Collection has. */
class CsvTest {
    @Test
    void aFieldThatStartsWithAQuoteRunsToTheClosingQuoteAcrossLinesAndTabs() {
        String text = "ham\t\"first line\nham\tsecond\" and more\nspam\tlast\n";
        assertThat(Csv.parse(text, '\t', "t")).containsExactly(List.of("ham", "first line\nham\tsecond and more"), List.of("spam", "last"));
    }

    @Test
    void quotesElsewhereAreOrdinaryAndDoubledQuotesAreOne() {
        assertThat(Csv.parse("a\tsay \"hi\"\n", '\t', "t")).containsExactly(List.of("a", "say \"hi\""));
        assertThat(Csv.parse("a,\"x \"\"y\"\" z\"\n", ',', "t")).containsExactly(List.of("a", "x \"y\" z"));
    }

    @Test
    void lineEndsBlankLinesEmptyFieldsAndNoFinalNewline() {
        assertThat(Csv.parse("a,b\r\n\r\n,c\nd,", ',', "t")).containsExactly(List.of("a", "b"), List.of("", "c"), List.of("d", ""));
        assertThat(Csv.parse("", ',', "t")).isEmpty();
    }

    @Test
    void anUnclosedQuoteIsAnError() {
        assertThatThrownBy(() -> Csv.parse("a\n\"never closed\nb\n", ',', "f.csv")).hasMessageContaining("f.csv: EOF inside string starting at line 2");
    }

    @Test
    void writingQuotesOnlyWhatPandasQuotes(@TempDir Path tmp) throws IOException {
        List<List<String>> rows = List.of(List.of("Label", "Text"), List.of("0", "plain text"), List.of("1", "a, b"), List.of("0", "say \"hi\""),
                List.of("1", "two\nlines"), List.of(""));
        String s = Csv.format(rows, ',');
        assertThat(s).isEqualTo("Label,Text\n0,plain text\n1,\"a, b\"\n0,\"say \"\"hi\"\"\"\n1,\"two\nlines\"\n\"\"\n");
        Path f = tmp.resolve("x.csv");
        Csv.write(f, rows, ',');
        assertThat(Files.readString(f)).isEqualTo(s);
        assertThat(Csv.read(f, ',')).isEqualTo(rows);
    }
}

package dev.scratchllm.io;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    @Test
    @SuppressWarnings("unchecked")
    void parsesEveryKindOfValue() {
        Object v = Json.parse("{\"a\": [1, -2.5e1, true, false, null], \"b\": \"x\\u00e9\\n\\\"y\", \"c\": {}}");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("a", "b", "c");
        assertThat((List<Object>) m.get("a")).containsExactly(1L, -25.0, true, false, null);
        assertThat(m.get("b")).isEqualTo("xé\n\"y");
        assertThat((Map<?, ?>) m.get("c")).isEmpty();
    }

    @Test
    void roundTripsThroughWrite() {
        String text = "{\"k\":[1,2.5,\"t\\ta\"],\"n\":null}";
        assertThat(Json.write(Json.parse(text))).isEqualTo(text);
    }

    @Test
    void rejectsMalformedInputNamingTheSource() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1,}", "header.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header.json").hasMessageContaining("offset");
        assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessageContaining("expected ','");
        assertThatThrownBy(() -> Json.parse("\"abc")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> Json.parse("01")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Json.parse("[".repeat(1000) + "]".repeat(1000))).hasMessageContaining("nesting");
    }
}

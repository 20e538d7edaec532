package io.mongopgsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void shouldSanitiseByTheOriginalRule() {
        assertThat(Identifiers.sanitize("address line 2")).isEqualTo("address_line_2");
        assertThat(Identifiers.sanitize("URL")).isEqualTo("url");
        assertThat(Identifiers.sanitize("1st-place")).isEqualTo("_1st_place");
        assertThat(Identifiers.sanitize("Prénom")).isEqualTo("pr_nom");
        assertThat(Identifiers.sanitize("")).isEqualTo("_");
        assertThat(Identifiers.sanitize("a.b$c")).isEqualTo("a_b_c");
    }

    @Test
    void shouldCutLongNamesTo63BytesWithAStableDistinctSuffix() {
        String a = "x".repeat(80) + "a";
        String b = "x".repeat(80) + "b";

        String fittedA = Identifiers.fit(Identifiers.sanitize(a), a);
        String fittedB = Identifiers.fit(Identifiers.sanitize(b), b);

        assertThat(fittedA.getBytes(StandardCharsets.UTF_8)).hasSize(63);
        assertThat(fittedA).isNotEqualTo(fittedB).startsWith("x".repeat(54) + "_").matches(".*_[0-9a-f]{8}");
        // the same name gives the same identifier in every run (the hash is of the name, not random)
        assertThat(fittedA).isEqualTo("x".repeat(54) + "_" + Identifiers.hash(a));
        assertThat(Identifiers.fit("short", "short")).isEqualTo("short");
    }

    @Test
    void shouldQuoteAndRefuseWhatPostgresWouldTruncate() {
        assertThat(Identifiers.quote("we\"ird")).isEqualTo("\"we\"\"ird\"");
        assertThat(Identifiers.qualified("dra_mongodb", "orders")).isEqualTo("\"dra_mongodb\".\"orders\"");
        assertThatThrownBy(() -> Identifiers.quote("y".repeat(64))).hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> Identifiers.quote("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldEscapeLiterals() {
        assertThat(Identifiers.literal("it's \\ here")).isEqualTo("E'it''s \\\\ here'");
    }
}

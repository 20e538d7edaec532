package io.mongopgsync.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegexTranslatorTest {

    @Test
    void shouldKeepWhatMeansTheSameAndRewriteWhatDoesNot() {
        assertThat(RegexTranslator.translate("^ab+c", "", "w")).isEqualTo("^ab+c");
        assertThat(RegexTranslator.translate("a.c", "", "w")).isEqualTo("a[^\\n]c");
        assertThat(RegexTranslator.translate("a.c", "s", "w")).isEqualTo("a.c");
        assertThat(RegexTranslator.translate("\\d+\\w", "", "w")).isEqualTo("[0-9]+[A-Za-z0-9_]");
        assertThat(RegexTranslator.translate("[\\d.]", "", "w")).isEqualTo("[0-9.]");
        assertThat(RegexTranslator.translate("end$", "", "w")).isEqualTo("end(?=\\n?$)");
        assertThat(RegexTranslator.translate("end$", "im", "w")).isEqualTo("(?iw)end$");
        assertThat(RegexTranslator.translate("a\\.b", "", "w")).isEqualTo("a\\.b");
    }

    @Test
    void shouldRefuseConstructsThatDiffer() {
        assertThatThrownBy(() -> RegexTranslator.translate("\\bword", "", "pipeline[0].$match.a"))
                .isInstanceOf(PipelineException.class).hasMessageContaining("\\b");
        assertThatThrownBy(() -> RegexTranslator.translate("(?<name>a)", "", "w")).hasMessageContaining("group syntax");
        assertThatThrownBy(() -> RegexTranslator.translate("a++", "", "w")).hasMessageContaining("possessive");
        assertThatThrownBy(() -> RegexTranslator.translate("a", "x", "w")).hasMessageContaining("option 'x'");
        assertThatThrownBy(() -> RegexTranslator.translate("[abc", "", "w")).hasMessageContaining("unterminated");
    }
}

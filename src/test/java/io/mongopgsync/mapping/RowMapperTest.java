package io.mongopgsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class RowMapperTest {

    @Test
    void shouldEscapeCopyTextAndKeepTheWholeDocument() {
        TableSchema schema = new TableSchema(List.of());
        BsonDocument doc = BsonDocument.parse("{_id: 'k', note: 'tab\\there\\nnew \\\\ line', n: null}");
        schema.observe(List.of(doc));
        StringBuilder line = new StringBuilder();

        new RowMapper().appendRow(doc, schema.columns(), line);

        String[] fields = line.toString().split("\t", -1);
        assertThat(fields[0]).isEqualTo("k");
        assertThat(line.toString()).contains("tab\\there\\nnew \\\\ line").contains("\\N").endsWith("}\n");
        assertThat(RowMapper.copyColumns(schema.columns())).startsWith("\"_id\", ").endsWith(", \"_source_document\"");
    }
}

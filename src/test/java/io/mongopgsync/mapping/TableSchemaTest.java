package io.mongopgsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class TableSchemaTest {

    private static BsonDocument doc(String json) {
        return BsonDocument.parse(json);
    }

    @Test
    void shouldAddColumnsForNewFieldsAndWidenOnConflicts() {
        TableSchema schema = new TableSchema(List.of());

        List<TableSchema.Change> first = schema.observe(List.of(doc("{_id: 1, rating: 5, name: 'a'}")));
        List<TableSchema.Change> second = schema.observe(List.of(doc("{_id: 2, rating: 5.5}")));
        List<TableSchema.Change> third = schema.observe(List.of(doc("{_id: 3, rating: 'Not yet rated', extra: true}")));

        assertThat(first).extracting(c -> c.column().name()).containsExactlyInAnyOrder("rating", "name");
        assertThat(second).singleElement().satisfies(c -> {
            assertThat(c.previous()).isEqualTo(ColumnType.INTEGER);
            assertThat(c.column().type()).isEqualTo(ColumnType.NUMERIC);
        });
        assertThat(third).extracting(c -> c.column().field() + ":" + c.column().type())
                .containsExactly("extra:BOOLEAN", "rating:TEXT");
        assertThat(schema.conflicts()).containsOnlyKeys("rating");
        assertThat(schema.column("rating").bsonTypes()).containsExactlyInAnyOrder("int", "double", "string");
    }

    @Test
    void shouldGiveTheExactSanitisedNameToTheFieldAlreadyInThatForm() {
        TableSchema schema = new TableSchema(List.of());

        schema.observe(List.of(doc("{_id: 1, 'Total Amount': 1, total_amount: 2}")));

        assertThat(schema.column("total_amount").name()).isEqualTo("total_amount");
        assertThat(schema.column("Total Amount").name()).matches("total_amount_[0-9a-f]{8}");
    }

    @Test
    void shouldKeepNamesAlreadyGivenAndRenameClashesWithServiceColumns() {
        TableSchema schema = new TableSchema(List.of(
                new TableSchema.Column("Total Amount", "total_amount", ColumnType.INTEGER, Set.of("int"))));

        schema.observe(List.of(doc("{_id: 1, total_amount: 2, _imported_at: 'x', _source_document: 'y', _ID: 3}")));

        assertThat(schema.column("Total Amount").name()).isEqualTo("total_amount");
        assertThat(schema.column("total_amount").name()).startsWith("total_amount_");
        assertThat(schema.column("_imported_at").name()).startsWith("_imported_at_");
        assertThat(schema.column("_source_document").name()).startsWith("_source_document_");
        assertThat(schema.column("_ID").name()).startsWith("_id_");
    }

    @Test
    void shouldLetAFieldSeenOnlyAsNullTakeTheTypeOfItsFirstValue() {
        TableSchema schema = new TableSchema(List.of());
        schema.observe(List.of(doc("{_id: 1, later: null}")));
        assertThat(schema.column("later").type()).isEqualTo(ColumnType.TEXT);

        List<TableSchema.Change> changes = schema.observe(List.of(doc("{_id: 2, later: 7}")));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.onlyNulls()).isTrue();
            assertThat(c.column().type()).isEqualTo(ColumnType.INTEGER);
        });
    }
}

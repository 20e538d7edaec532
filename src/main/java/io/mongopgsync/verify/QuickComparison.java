package io.mongopgsync.verify;

import static io.mongopgsync.mapping.Identifiers.qualified;
import static io.mongopgsync.mapping.Identifiers.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Aggregates;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.sync.RunReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Quick verification of one collection: the counts of both sides, and a random sample of documents
 * ({@code $sample}, {@code sync.verify.sample-size}) compared field by field with their rows. It finds missing
 * and differing documents of the sample; rows without a document show only as a count difference.
 */
@Component
class QuickComparison {

    private final JdbcClient jdbc;
    private final ExpectedRows expected;
    private final VerificationProperties properties;

    QuickComparison(JdbcClient jdbc, ExpectedRows expected, VerificationProperties properties) {
        this.jdbc = jdbc;
        this.expected = expected;
        this.properties = properties;
    }

    void compare(VerificationTarget target, CollectionReport report, DriftIds drift) {
        List<BsonDocument> sample;
        try {
            report.documentsInMongo = target.documents().countDocuments(target.filter());
            List<org.bson.conversions.Bson> pipeline = new ArrayList<>();
            if (target.transforms().filter() != null) {
                pipeline.add(Aggregates.match(target.transforms().filter()));
            }
            pipeline.add(Aggregates.sample(properties.sampleSize()));
            sample = target.documents().aggregate(pipeline).into(new ArrayList<>());
        } catch (RuntimeException e) {
            throw new IllegalStateException("MongoDB failed while counting and sampling " + target.describe() + ": "
                    + RunReport.rootMessage(e), e);
        }
        target.checkStopped();
        String table = target.table() == null ? null : qualified(target.schema(), target.table());
        report.rowsInPostgres = table == null ? 0
                : jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
        report.countDifference = report.rowsInPostgres - report.documentsInMongo;
        if (target.transforms().hasRouteSteps()) {
            report.countNote = "the collection's steps include routes, which may drop documents: the counts may "
                    + "differ by design; the sample is the evidence";
        }
        ExpectedRows.Batch batch = expected.of(target, sample);
        report.droppedBySteps = batch.dropped();
        report.unstorable = batch.unstorable();
        Map<String, String> rows = rowsOf(table, batch.rows());
        for (ExpectedRows.Expected row : batch.rows()) {
            String rowJson = rows.get(row.rowId());
            String idJson = DriftIds.idJson(row.id());
            if (rowJson == null) {
                report.missing(row.rowId());
                drift.upsert(idJson);
                continue;
            }
            report.compared++;
            JsonNode actual = target.rowTree(rowJson);
            if (CanonicalDocuments.hash(actual).equals(row.hash())) {
                report.matching++;
                if (row.transformed()) {
                    report.transformed++;
                }
            } else {
                drift.upsert(idJson);
                if (report.differing()) {
                    report.differingFields(row.rowId(), CanonicalDocuments.differingPaths(row.tree(), actual));
                }
            }
        }
    }

    private Map<String, String> rowsOf(String table, List<ExpectedRows.Expected> expectedRows) {
        Map<String, String> rows = new HashMap<>();
        if (table == null || expectedRows.isEmpty()) {
            return rows;
        }
        List<String> ids = expectedRows.stream().map(ExpectedRows.Expected::rowId).toList();
        jdbc.sql("SELECT " + quote(TableSchema.ID) + ", " + quote(TableSchema.SOURCE_DOCUMENT) + "::text FROM " + table
                        + " WHERE " + quote(TableSchema.ID) + " IN (:ids)")
                .param("ids", ids).query(rs -> {
                    rows.put(rs.getString(1), rs.getString(2));
                });
        return rows;
    }
}

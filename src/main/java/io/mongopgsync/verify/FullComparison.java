package io.mongopgsync.verify;

import static io.mongopgsync.mapping.Identifiers.qualified;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.sync.RunReport;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.bson.BsonDocument;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.stereotype.Component;

/**
 * Full verification of one collection, document by document, in bounded memory.
 *
 * <p>MongoDB's {@code _id} order (numbers, then strings, then ObjectIds… each by value) and the order of the
 * table's {@code _id} text cannot be made the same for every mix of types, so the two streams are not merged in
 * Java. The MongoDB side is read in {@code _id} order, one batch at a time, and its {@code (_id, content hash)}
 * pairs are streamed by COPY into a temporary table; PostgreSQL then matches both sides with a full outer join
 * on the {@code _id} text (the key the sync writes), which it runs in its own bounded memory, spilling to disk.
 * The join's rows stream back with a fetch size; the row side is hashed from {@code _source_document} as it
 * arrives. Java holds one batch of documents, one fetch of rows and the first {@value CollectionReport#FIRST}
 * differing rows at a time; every drifting id goes to a temporary file ({@link DriftIds}).
 */
@Component
class FullComparison {

    static final String TEMP_TABLE = "_mps_verify";
    private static final int FETCH_SIZE = 1000;

    private final DataSource dataSource;
    private final ExpectedRows expected;

    FullComparison(DataSource dataSource, ExpectedRows expected) {
        this.dataSource = dataSource;
        this.expected = expected;
    }

    /** A differing row kept to name its fields once the join is read. */
    private record Differing(String rowId, String idJson, String rowJson) {
    }

    void compare(VerificationTarget target, CollectionReport report, DriftIds drift) {
        List<Differing> firstDiffering = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE " + TEMP_TABLE + " (_id text, doc_hash text, transformed boolean, "
                        + "id_json text) ON COMMIT DROP");
                copyMongoSide(target, report, connection);
                statement.execute("ANALYZE " + TEMP_TABLE);
                statement.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = statement.executeQuery(joinSql(target))) {
                    while (rs.next()) {
                        classify(target, rs, report, drift, firstDiffering);
                        if (report.compared % 10_000 == 0) {
                            target.checkStopped();
                        }
                    }
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL failed while comparing " + target.describe() + " with table "
                    + target.table() + ": " + e.getMessage(), e);
        }
        for (Differing d : firstDiffering) {
            report.differingFields(d.rowId(), fieldsOf(target, d));
        }
    }

    /** Reads the collection in _id order through its steps and COPYs each expected row's id and hash. */
    private void copyMongoSide(VerificationTarget target, CollectionReport report, Connection connection)
            throws SQLException {
        int batchSize = target.config().batchSize();
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + TEMP_TABLE + " (_id, doc_hash, transformed, id_json) FROM STDIN");
        boolean done = false;
        try (MongoCursor<BsonDocument> cursor = target.documents().find(target.filter())
                .sort(Sorts.ascending(TableSchema.ID)).batchSize(batchSize).cursor()) {
            List<BsonDocument> batch = new ArrayList<>(batchSize);
            while (true) {
                batch.clear();
                try {
                    while (batch.size() < batchSize && cursor.hasNext()) {
                        batch.add(cursor.next());
                    }
                } catch (RuntimeException e) {
                    throw new IllegalStateException("MongoDB failed while reading " + target.describe() + ": "
                            + RunReport.rootMessage(e), e);
                }
                if (batch.isEmpty()) {
                    break;
                }
                target.checkStopped();
                report.documentsInMongo += batch.size();
                ExpectedRows.Batch rows = expected.of(target, batch);
                report.droppedBySteps += rows.dropped();
                report.unstorable += rows.unstorable();
                StringBuilder lines = new StringBuilder(rows.rows().size() * 96);
                for (ExpectedRows.Expected row : rows.rows()) {
                    RowMapper.appendField(lines, row.rowId());
                    lines.append('\t').append(row.hash()).append('\t').append(row.transformed() ? 't' : 'f').append('\t');
                    RowMapper.appendField(lines, DriftIds.idJson(row.id()));
                    lines.append('\n');
                }
                byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
            }
            copy.endCopy();
            done = true;
        } finally {
            if (!done && copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static String joinSql(VerificationTarget target) {
        if (target.table() == null) {
            return "SELECT _id AS mongo_id, NULL::text AS row_id, doc_hash, transformed, id_json, NULL::text AS doc "
                    + "FROM " + TEMP_TABLE;
        }
        return "SELECT m._id AS mongo_id, t." + quote(TableSchema.ID) + " AS row_id, m.doc_hash, m.transformed, "
                + "m.id_json, t." + quote(TableSchema.SOURCE_DOCUMENT) + "::text AS doc FROM " + TEMP_TABLE
                + " m FULL JOIN " + qualified(target.schema(), target.table()) + " t ON t."
                + quote(TableSchema.ID) + " = m._id";
    }

    private static String quote(String identifier) {
        return io.mongopgsync.mapping.Identifiers.quote(identifier);
    }

    private static void classify(VerificationTarget target, ResultSet rs, CollectionReport report, DriftIds drift,
                                 List<Differing> firstDiffering) throws SQLException {
        String mongoId = rs.getString("mongo_id");
        String rowId = rs.getString("row_id");
        if (rowId != null) {
            report.rowsInPostgres++;
        }
        if (mongoId == null) {
            report.extra(rowId);
            drift.delete(rowId);
            return;
        }
        String idJson = rs.getString("id_json");
        if (rowId == null) {
            report.missing(mongoId);
            drift.upsert(idJson);
            return;
        }
        report.compared++;
        String doc = rs.getString("doc");
        if (CanonicalDocuments.hash(target.rowTree(doc)).equals(rs.getString("doc_hash"))) {
            report.matching++;
            if (rs.getBoolean("transformed")) {
                report.transformed++;
            }
            return;
        }
        drift.upsert(idJson);
        if (report.differing()) {
            firstDiffering.add(new Differing(rowId, idJson, doc));
        }
    }

    /** The fields where a differing row and its document (read again, through the steps) disagree. */
    private List<String> fieldsOf(VerificationTarget target, Differing d) {
        BsonDocument doc = target.documents().find(Filters.and(target.filter(),
                Filters.eq(TableSchema.ID, DriftIds.parseIdJson(d.idJson())))).first();
        JsonNode row = target.rowTree(d.rowJson());
        if (doc == null) {
            return List.of("(the document was deleted in MongoDB during the verification)");
        }
        ExpectedRows.Batch batch = expected.of(target, new ArrayList<>(List.of(doc)));
        if (batch.rows().isEmpty()) {
            return List.of("(the collection's steps now drop the document)");
        }
        List<String> fields = CanonicalDocuments.differingPaths(batch.rows().get(0).tree(), row);
        return fields.isEmpty() ? List.of("(the document changed in MongoDB during the verification)") : fields;
    }
}

package io.mongopgsync.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.mapping.CopyText;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The COPY that stays open across batches, against a real PostgreSQL: chunks, refused rows, abort. */
class CopyStreamIT {

    private final TestPostgres pg = TestPostgres.get();
    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    private String table;

    @BeforeEach
    void createTable() throws SQLException {
        dataSource.setUrl(pg.jdbcUrl());
        dataSource.setUser(pg.user());
        dataSource.setPassword(pg.password());
        table = "copy_stream_" + UUID.randomUUID().toString().substring(0, 8);
        // a CHECK stands for any value PostgreSQL refuses: the stream cannot know it in advance
        sql("CREATE TABLE " + table + " (\"_id\" text, \"v\" integer CHECK (v <> 13), \"_source_document\" jsonb)");
    }

    @AfterEach
    void dropTable() throws SQLException {
        sql("DROP TABLE IF EXISTS " + table);
    }

    @Test
    void shouldStoreEveryRowAcrossChunksAndSetAsideOnlyTheRefusedOnesWithTheirDocumentAndReason() throws Exception {
        TableSchema schema = new TableSchema(List.of());
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            docs.add(new BsonDocument("_id", new BsonString("d" + i)).append("v", new BsonInt32(i % 1000))
                    .append("text", new BsonString("tab\there \\ " + i)));
        }
        schema.observe(docs);
        RowMapper mapper = new RowMapper();
        List<CopyLoader.Result> results = new ArrayList<>();
        // chunks of about 16 KB: many commits, and refused rows (v = 13 in docs 13, 1013, 2013) in three of them
        try (CopyStream stream = new CopyStream(dataSource, table, 16 * 1024)) {
            keep(results, stream.columns("\"_id\", \"v\", \"_source_document\""));
            List<TableSchema.Column> columns = schema.columns().stream().filter(c -> c.field().equals("v")).toList();
            for (int batch = 0; batch < 30; batch++) {
                for (BsonDocument doc : docs.subList(batch * 100, batch * 100 + 100)) {
                    mapper.appendRow(doc, columns, stream.rows());
                    stream.rowAdded();
                }
                keep(results, stream.send());
                keep(results, stream.commitIfFull());
            }
            keep(results, stream.commit());
        }

        long loaded = results.stream().mapToLong(CopyLoader.Result::loaded).sum();
        List<CopyLoader.Rejected> rejected = results.stream().flatMap(r -> r.rejected().stream()).toList();
        assertThat(results).hasSizeGreaterThan(5);
        assertThat(loaded).isEqualTo(2997);
        assertThat(rejected).extracting(CopyLoader.Rejected::documentId).containsExactly("d13", "d1013", "d2013");
        assertThat(rejected.get(0).reason()).contains("PostgreSQL refused the row").contains("23514");
        assertThat(rejected.get(0).rawDocument()).isEqualTo("{\"_id\": \"d13\", \"v\": 13, \"text\": \"tab\\there \\\\ 13\"}");
        assertThat(count("")).isEqualTo(2997);
        assertThat(count(" WHERE v = 13")).isZero();
        assertThat(count(" WHERE _source_document->>'text' = 'tab\there \\ 999'")).isEqualTo(1);
    }

    @Test
    void shouldStoreNothingOfTheOpenChunkWhenAborted() throws Exception {
        CopyStream stream = new CopyStream(dataSource, table, 1 << 20);
        stream.columns("\"_id\", \"v\", \"_source_document\"");
        CopyText rows = stream.rows();
        for (int i = 0; i < 500; i++) {
            rows.ascii("a" + i + "\t1\t{}\n");
            stream.rowAdded();
        }
        assertThat(stream.send()).isNull(); // sent, not committed
        stream.abort();

        assertThat(count("")).isZero();
        // the table is free again: nothing holds a lock on it
        sql("SET lock_timeout = '2s'; DROP TABLE " + table);
    }

    private static void keep(List<CopyLoader.Result> results, CopyLoader.Result result) {
        if (result != null) {
            results.add(result);
        }
    }

    private long count(String where) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String sql) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Views that analysts write over imported tables survive every full sync of the table, whatever SQL they hold:
 * jsonb's {@code ?}, {@code ?|} and {@code ?&} operators (which a prepared statement would read as parameters),
 * a question mark in a string literal and a comment, functions of the analyst's own, materialized views with
 * indexes (a partial one using {@code ?}), and grants.
 */
@ServiceIT
class ViewsOverImportedTablesIT {

    @LocalServerPort
    int port;

    /** The analyst's SQL goes through a plain statement, as psql would send it. */
    private static void execute(String sql) throws Exception {
        TestPostgres.get().execute(TestPostgres.get().jdbcUrl(), sql);
    }

    private static long count(String sql) throws Exception {
        return TestPostgres.get().queryLong(TestPostgres.get().jdbcUrl(), sql);
    }

    private static String text(String sql) throws Exception {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void shouldKeepViewsUsingQuestionMarkOperatorsFunctionsMaterializedViewsAndGrantsAcrossFullSyncs() throws Exception {
        String database = "views_" + UUID.randomUUID().toString().substring(0, 8);
        MongoCollection<Document> customers = TestMongo.get().client().getDatabase(database).getCollection("customers");
        customers.insertOne(new Document("_id", 1).append("name", "Ada").append("email", "ada@example.org")
                .append("tags", java.util.List.of("vip", "eu")));
        customers.insertOne(new Document("_id", 2).append("name", "Bob").append("phone", "555"));
        SyncClient sync = new SyncClient(new ApiClient(port));
        long id = sync.createSource("views", TestMongo.get().uri(database), database, Map.of());
        sync.syncAndWait(id, "full");
        String table = "dra_mongodb.\"" + sync.table(id, "customers") + "\"";
        String v = "v_" + UUID.randomUUID().toString().substring(0, 6);

        execute("CREATE VIEW public." + v + "_email AS SELECT _id, name, 'has email?' AS label FROM " + table
                + " WHERE _source_document ? 'email'");
        execute("CREATE VIEW public." + v + "_any AS SELECT _id FROM " + table
                + " WHERE _source_document ?| array['email', 'phone']");
        execute("CREATE VIEW public." + v + "_all AS SELECT _id FROM " + table
                + " WHERE _source_document ?& array['name', 'email']");
        execute("CREATE FUNCTION public." + v + "_contact(doc jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS "
                + "'SELECT coalesce(doc->>''email'', doc->>''phone'', ''none?'')'");
        execute("CREATE VIEW public." + v + "_contact AS SELECT _id, public." + v + "_contact(_source_document) AS contact FROM "
                + table);
        execute("COMMENT ON VIEW public." + v + "_contact IS 'how to reach them?'");
        execute("CREATE MATERIALIZED VIEW public." + v + "_m AS SELECT _id, _source_document ? 'email' AS reachable FROM "
                + table);
        execute("CREATE INDEX " + v + "_m_reachable ON public." + v + "_m (_id) WHERE reachable");
        execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mps_analyst') THEN "
                + "CREATE ROLE mps_analyst; END IF; END $$");
        execute("GRANT SELECT ON public." + v + "_email TO mps_analyst");

        customers.insertOne(new Document("_id", 3).append("name", "Cyd").append("email", "cyd@example.org")
                .append("phone", "556"));
        JsonNode status = sync.syncAndWait(id, "full");

        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(count("SELECT count(*) FROM " + table)).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM public." + v + "_email")).isEqualTo(2);
        assertThat(text("SELECT label FROM public." + v + "_email LIMIT 1")).isEqualTo("has email?");
        assertThat(count("SELECT count(*) FROM public." + v + "_any")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM public." + v + "_all")).isEqualTo(2);
        assertThat(text("SELECT contact FROM public." + v + "_contact WHERE _id = '2'")).isEqualTo("555");
        assertThat(text("SELECT obj_description('public." + v + "_contact'::regclass, 'pg_class')"))
                .isEqualTo("how to reach them?");
        // the materialized view is rebuilt with its data on the new table, with its index
        assertThat(count("SELECT count(*) FROM public." + v + "_m WHERE reachable")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE indexname = '" + v + "_m_reachable'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM pg_views WHERE viewname LIKE '" + v + "%'")).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'mps_analyst'"
                + " AND table_name = '" + v + "_email' AND privilege_type = 'SELECT'")).isEqualTo(1);

        execute("DROP MATERIALIZED VIEW public." + v + "_m");
        execute("DROP VIEW public." + v + "_email, public." + v + "_any, public." + v + "_all, public." + v + "_contact");
        execute("DROP FUNCTION public." + v + "_contact(jsonb)");
    }
}

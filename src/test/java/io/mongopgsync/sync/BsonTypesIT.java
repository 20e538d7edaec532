package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Each BSON type lands in the documented column type with its value. */
@ServiceIT
class BsonTypesIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private Map<String, Object> syncOne(BsonDocument doc) {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "types_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("all", BsonDocument.class).insertOne(doc);
        long id = sync.createSource("types", TestMongo.get().uri(database), database, Map.of());
        assertThat(sync.syncAndWait(id, "full").get("syncStatus").asText()).isEqualTo("completed");
        String table = "dra_mongodb.\"" + sync.table(id, "all") + "\"";
        Map<String, Object> row = new java.util.HashMap<>(jdbc.sql("SELECT * FROM " + table).query().singleRow());
        jdbc.sql("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'dra_mongodb' "
                + "AND table_name = ?").param(sync.table(id, "all")).query(rs -> {
            row.put("type:" + rs.getString(1), rs.getString(2));
        });
        return row;
    }

    @Test
    void shouldMapEveryBsonTypeTheEmbeddedServerStores() {
        UUID uuid = UUID.fromString("123e4567-e89b-42d3-a456-426614174000");
        BsonDocument doc = new BsonDocument("_id", new BsonObjectId(new ObjectId("65f0a0a0a0a0a0a0a0a0a0a0")))
                .append("s", new BsonString("text"))
                .append("i", new BsonInt32(7))
                .append("l", new BsonInt64(9_007_199_254_740_993L))
                .append("d", new BsonDouble(2.5))
                .append("dec", new BsonDecimal128(Decimal128.parse("12.340")))
                .append("b", BsonBoolean.TRUE)
                .append("at", new BsonDateTime(1_700_000_000_123L))
                .append("oid", new BsonObjectId(new ObjectId("507d95d5719dbef170f15bf9")))
                .append("uid", new BsonBinary(uuid))
                .append("bin", new BsonBinary(new byte[] {1, 2, 3}))
                .append("re", new BsonRegularExpression("^a.*", "i"))
                .append("ts", new BsonTimestamp(1_700_000_000, 3))
                .append("min", new BsonMinKey())
                .append("max", new BsonMaxKey())
                .append("js", new BsonJavaScript("function() { return 1; }"))
                .append("nothing", new BsonNull())
                .append("obj", new BsonDocument("k", new BsonString("v")))
                .append("arr", new BsonArray(java.util.List.of(new BsonInt32(1), new BsonString("two"))));

        Map<String, Object> row = syncOne(doc);

        assertThat(row.get("_id")).isEqualTo("65f0a0a0a0a0a0a0a0a0a0a0");
        assertThat(row).containsEntry("type:s", "text").containsEntry("s", "text")
                .containsEntry("type:i", "integer").containsEntry("i", 7)
                .containsEntry("type:l", "bigint").containsEntry("l", 9_007_199_254_740_993L)
                .containsEntry("type:d", "numeric").containsEntry("type:dec", "numeric")
                .containsEntry("type:b", "boolean").containsEntry("b", true)
                .containsEntry("type:at", "timestamp with time zone")
                .containsEntry("type:oid", "text").containsEntry("oid", "507d95d5719dbef170f15bf9")
                .containsEntry("type:uid", "uuid")
                .containsEntry("type:bin", "text").containsEntry("bin", "AQID")
                .containsEntry("type:re", "text").containsEntry("re", "/^a.*/i")
                .containsEntry("type:ts", "jsonb").containsEntry("type:min", "jsonb").containsEntry("type:max", "jsonb")
                .containsEntry("type:js", "jsonb").containsEntry("type:nothing", "text")
                .containsEntry("type:obj", "jsonb").containsEntry("type:arr", "jsonb");
        assertThat(row.get("d").toString()).isEqualTo("2.5");
        assertThat(row.get("dec").toString()).isEqualTo("12.340");
        assertThat(((java.sql.Timestamp) row.get("at")).toInstant().toEpochMilli()).isEqualTo(1_700_000_000_123L);
        assertThat(row.get("uid").toString()).isEqualTo(uuid.toString());
        assertThat(row.get("nothing")).isNull();
        assertThat(row.get("ts").toString()).contains("$timestamp");
        assertThat(row.get("arr").toString()).isEqualTo("[1, \"two\"]");
    }

    @Test
    void shouldMapSymbolsScopedJavaScriptAndDbPointers() {
        TestMongo.get().assumeRealMongo("symbol, JavaScript-with-scope and DBPointer values, which the embedded "
                + "server cannot store");
        BsonDocument doc = new BsonDocument("_id", new BsonInt32(1))
                .append("sym", new BsonSymbol("status"))
                .append("scoped", new BsonJavaScriptWithScope("x + 1", new BsonDocument("x", new BsonInt32(1))))
                .append("ptr", new BsonDbPointer("db.other", new ObjectId("507d95d5719dbef170f15bf9")));

        Map<String, Object> row = syncOne(doc);

        assertThat(row).containsEntry("type:sym", "text").containsEntry("sym", "status")
                .containsEntry("type:scoped", "jsonb").containsEntry("type:ptr", "jsonb");
        assertThat(row.get("scoped").toString()).contains("$scope");
        assertThat(row.get("ptr").toString()).contains("$dbPointer");
    }
}

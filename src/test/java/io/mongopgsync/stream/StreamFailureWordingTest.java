package io.mongopgsync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import java.sql.SQLException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** A consumer's failure is worded by the system that failed, not by the exception that ended it. */
class StreamFailureWordingTest {

    @Test
    void shouldNameMongoDbForItsOwnErrors() {
        var error = new MongoCommandException(BsonDocument.parse(
                "{ok: 0, code: 13, errmsg: 'not authorized on shop to execute command'}"), new ServerAddress());

        assertThat(StreamHistory.describeFailure(error))
                .startsWith("MongoDB failed while the change stream was read: ")
                .contains("not authorized on shop");
    }

    @Test
    void shouldNamePostgreSqlWhenAnSqlErrorIsAmongTheCauses() {
        var error = new IllegalStateException("PostgreSQL refused the changes streamed into dra_mongodb.orders",
                new SQLException("ERROR: could not extend file: No space left on device"));

        assertThat(StreamHistory.describeFailure(error))
                .isEqualTo("PostgreSQL failed while streamed changes were written: ERROR: could not extend file: "
                        + "No space left on device");
    }

    @Test
    void shouldNotBlameEitherDatabaseForTheConsumersOwnFault() {
        var error = new NullPointerException("Cannot invoke \"java.lang.Long.longValue()\"");

        assertThat(StreamHistory.describeFailure(error))
                .startsWith("The change-stream consumer failed (NullPointerException): ")
                .doesNotContain("PostgreSQL").doesNotContain("MongoDB");
    }
}

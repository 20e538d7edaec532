package io.mongopgsync.stream;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.transform.CollectionTransforms;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;

/** One collection's change stream within a consumer session: its open cursor and the events not yet applied. */
final class CollectionStream {

    final String collection;
    final CollectionTransforms transforms;
    MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor;
    /** Read from the cursor, not yet committed (held while a sync of the collection runs). */
    final List<ChangeEvent> pending = new ArrayList<>();
    /** How many of the pending events went through the collection's steps already (never twice). */
    int prepared;
    /** The position row's generation the table schema below was read at. */
    int generation = -1;
    String table;
    TableSchema tableSchema;
    final RowMapper mapper = new RowMapper();
    /** Whether the consumer may apply events now (snapshot done, no sync holding it), as last read. */
    boolean applicable;
    /** The last resume token saved while idle (servers that report one without events). */
    BsonDocument savedIdleToken;
    long savedIdleAt;

    CollectionStream(String collection, CollectionTransforms transforms) {
        this.collection = collection;
        this.transforms = transforms;
    }

    void close() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (RuntimeException ignored) {
                // the connection may already be gone
            }
            cursor = null;
        }
    }
}

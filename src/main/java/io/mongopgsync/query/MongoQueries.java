package io.mongopgsync.query;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.api.ApiException;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.MongoConnections;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.springframework.stereotype.Component;

/**
 * The fallback for collections without a completed import: the pipeline runs on the source's MongoDB, bounded by
 * the same timeout and row cap, and its documents are written as the same relaxed Extended JSON the imported
 * tables hold. {@link ReadOnlyPipelines} has already refused writes and JavaScript.
 */
@Component
public class MongoQueries {

    private final MongoConnections connections;
    private final long timeoutMillis;
    private final int maxRows;

    public MongoQueries(MongoConnections connections, SyncProperties properties) {
        this.connections = connections;
        this.timeoutMillis = properties.query().statementTimeout().toMillis();
        this.maxRows = properties.query().maxRows();
    }

    QueryResult run(DataSourceRecord source, String collection, BsonArray pipeline, boolean explain) {
        try (MongoConnections.Lease lease = connections.lease(source)) {
            MongoDatabase db = lease.client().getDatabase(source.database());
            List<String> names = db.listCollectionNames().into(new ArrayList<>());
            if (!names.contains(collection)) {
                throw new ApiException(404, "not_found", "Collection '" + collection + "' does not exist in data source "
                        + source.id() + ": it has no completed import and MongoDB database '" + source.database()
                        + "' has no such collection");
            }
            if (explain) {
                return new QueryResult(List.of(), QueryResult.Source.MONGODB, false, null, true);
            }
            List<BsonDocument> stages = new ArrayList<>();
            for (BsonValue stage : pipeline) {
                stages.add(stage.asDocument());
            }
            List<String> documents = new ArrayList<>();
            boolean truncated = false;
            try (MongoCursor<BsonDocument> cursor = db.getCollection(collection, BsonDocument.class).aggregate(stages)
                    .maxTime(timeoutMillis, TimeUnit.MILLISECONDS).batchSize(Math.min(maxRows + 1, 1000)).iterator()) {
                while (cursor.hasNext()) {
                    BsonDocument doc = cursor.next();
                    if (documents.size() == maxRows) {
                        truncated = true;
                        break;
                    }
                    documents.add(ExtendedJson.relaxed(doc));
                }
            }
            return new QueryResult(documents, QueryResult.Source.MONGODB, truncated, null, false);
        } catch (MongoExecutionTimeoutException e) {
            throw new ApiException(504, "query_timeout", "MongoDB stopped the pipeline at the statement timeout "
                    + "(sync.query.statement-timeout); narrow it with $match or $limit");
        } catch (MongoCommandException e) {
            throw new ApiException(400, PipelineException.Kind.MALFORMED.code, "MongoDB refused the pipeline: "
                    + e.getErrorMessage());
        } catch (MongoTimeoutException | MongoSocketException e) {
            throw new ApiException(502, "mongodb_unreachable", "MongoDB of data source " + source.id()
                    + " could not be reached to answer the pipeline: " + e.getMessage());
        }
    }
}

package io.mongopgsync.sync;

import static io.mongopgsync.mapping.Identifiers.qualified;
import static io.mongopgsync.mapping.Identifiers.quote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.transform.CollectionTransforms;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Re-syncs chosen documents of a collection into its live table without a reload: the documents with the given
 * ids are read again and go through the incremental data path (the collection's steps, schema changes, staging
 * and upsert, rejects), and rows whose document is gone are deleted. Every change is fenced by the job's lease.
 */
@Component
public class TargetedResync {

    private final DocumentSteps steps;
    private final BatchLoader loader;
    private final TableRegistry registry;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final JobFence fence;
    private final ObjectMapper json;

    public TargetedResync(DocumentSteps steps, BatchLoader loader, TableRegistry registry, JdbcClient jdbc,
                          TransactionTemplate transaction, JobFence fence, ObjectMapper json) {
        this.steps = steps;
        this.loader = loader;
        this.registry = registry;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.fence = fence;
        this.json = json;
    }

    /** A repair of one collection's table within a job; {@code historyId} is the row its progress goes to. */
    public final class Session {
        private final CollectionRun run;

        private Session(CollectionRun run) {
            this.run = run;
        }

        /**
         * Reads the documents with these ids (those the team's filter still admits) and upserts their rows; returns
         * how many documents were found.
         */
        public int upsert(List<BsonValue> ids) {
            run.checkCancelled();
            Bson query = Filters.in(TableSchema.ID, ids);
            if (run.transforms.filter() != null) {
                query = Filters.and(run.transforms.filter(), query);
            }
            List<BsonDocument> documents = run.mongo.getDatabase(run.source.database())
                    .getCollection(run.collection, BsonDocument.class).find(query).into(new ArrayList<>());
            if (documents.isEmpty()) {
                return 0;
            }
            try {
                loader.load(run, steps.apply(run, documents));
                return documents.size();
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL refused the repaired rows of " + run.source.name() + "."
                        + run.collection + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("interrupted: the service is shutting down");
            }
        }

        /** Deletes the rows with these table ids; returns how many were deleted. */
        public long delete(List<String> rowIds) {
            run.checkCancelled();
            Integer deleted = transaction.execute(status -> {
                fence.check(run);
                return jdbc.sql("DELETE FROM " + qualified(run.schema, run.table) + " WHERE " + quote(TableSchema.ID)
                        + " IN (:ids)").param("ids", rowIds).update();
            });
            return deleted == null ? 0 : deleted;
        }

        /** Rows written (inserted or changed) so far. */
        public long upserted() {
            return run.synced;
        }

        /** Documents that could not be stored (in the rejects table with the reason). */
        public long rejected() {
            return run.failed;
        }
    }

    public Session open(SyncJob job, DataSourceRecord source, EffectiveConfig config, String collection, String schema,
                        String table, CollectionTransforms transforms, MongoClient mongo, Supplier<String> stopReason,
                        long historyId) {
        CollectionRun run = new CollectionRun(job, source, config, collection, schema, stopReason, mongo);
        run.mode = SyncType.INCREMENTAL;
        run.table = table;
        run.historyId = historyId;
        run.metadata = json.createObjectNode();
        run.transforms = transforms;
        run.lastSyncField = config.lastSyncField(collection);
        run.tableSchema = new TableSchema(registry.columns(source.id(), collection));
        run.mapper = new RowMapper();
        return new Session(run);
    }
}

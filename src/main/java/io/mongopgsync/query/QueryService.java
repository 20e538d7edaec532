package io.mongopgsync.query;

import io.mongopgsync.api.ApiException;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.source.DataSourceRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.bson.BsonArray;
import org.springframework.stereotype.Service;

/**
 * Answers a pipeline: from PostgreSQL when the collection (and every collection it looks up) has a completed
 * import, otherwise from MongoDB. Forbidden stages and operators are refused before either side is asked.
 */
@Service
public class QueryService {

    private final DataSource dataSource;
    private final PostgresQueries postgres;
    private final MongoQueries mongo;
    private final String schema;
    private final int maxRows;

    public QueryService(DataSource dataSource, PostgresQueries postgres, MongoQueries mongo, SyncProperties properties) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.mongo = mongo;
        this.schema = properties.targetSchema();
        this.maxRows = properties.query().maxRows();
    }

    public QueryResult query(DataSourceRecord source, String collection, BsonArray pipeline, boolean explain) {
        ReadOnlyPipelines.check(pipeline);
        Optional<QueryResult> fromPostgres = answerFromPostgres(source, collection, pipeline, explain);
        if (fromPostgres.isPresent()) {
            return fromPostgres.get();
        }
        return mongo.run(source, collection, pipeline, explain);
    }

    private Optional<QueryResult> answerFromPostgres(DataSourceRecord source, String collection, BsonArray pipeline,
                                                     boolean explain) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                postgres.beginSnapshot(connection);
                ImportedCollections imported = new ImportedCollections(connection, schema, source.id());
                Optional<ImportedCollection> table = imported.imported(collection);
                if (table.isEmpty()) {
                    return Optional.empty();
                }
                TranslatedQuery query;
                try {
                    query = PipelineTranslator.translate(table.get(), pipeline, imported, maxRows);
                } catch (PipelineTranslator.NotImportedException lookupTarget) {
                    return Optional.empty();
                }
                if (explain) {
                    return Optional.of(new QueryResult(java.util.List.of(), QueryResult.Source.POSTGRES, false, query, true));
                }
                return Optional.of(postgres.run(connection, query, maxRows));
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw PostgresQueries.failure(e);
        }
    }

    /** Maps a refusal of the translator to the API's error shape. */
    public static ApiException refusal(PipelineException e) {
        return new ApiException(400, e.kind().code, e.getMessage(),
                java.util.List.of(new io.mongopgsync.errors.FieldError(e.where(), e.getMessage().substring(e.where().length() + 2))));
    }
}

package io.mongopgsync.sync;

import static io.mongopgsync.mapping.Identifiers.qualified;
import static io.mongopgsync.mapping.Identifiers.quote;

import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.load.CopyLoader;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.load.TargetTables;
import io.mongopgsync.mapping.CopyText;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changes to a live table during an incremental run: schema changes in short transactions of their own, and
 * batches upserted through a staging table, keeping the last version of each {@code _id}; rows whose document
 * did not change are left alone. Every change first proves that this instance still holds the job.
 */
@Component
public class LiveMerge {

    private final TargetTables tables;
    private final TableRegistry registry;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;
    private final JobFence fence;
    private final RunReport report;
    private final Duration lockTimeout;

    public LiveMerge(TargetTables tables, TableRegistry registry, DataSource dataSource, TransactionTemplate transaction,
                     JobFence fence, RunReport report, SyncProperties properties) {
        this.tables = tables;
        this.registry = registry;
        this.dataSource = dataSource;
        this.transaction = transaction;
        this.fence = fence;
        this.report = report;
        this.lockTimeout = properties.lockTimeout();
    }

    /** Schema changes on the live table, committed on their own so readers wait for the DDL only. */
    public void applySchemaChanges(CollectionRun run, List<TableSchema.Change> changes) {
        evolveLiveTable(run.schema, run.table, run.source.id(), run.collection, run.tableSchema, changes,
                () -> fence.check(run), change -> report.noteChange(run, change));
    }

    /**
     * Schema changes on a live table in a transaction of their own (a change stream's batches evolve the table as
     * the batch syncs do): {@code fence} proves the caller may still change the table, {@code noted} hears of
     * each change applied.
     */
    public void evolveLiveTable(String schema, String table, long sourceId, String collection, TableSchema tableSchema,
                                List<TableSchema.Change> changes, Runnable fence,
                                java.util.function.Consumer<TableSchema.Change> noted) {
        if (changes.isEmpty()) {
            return;
        }
        transaction.executeWithoutResult(status -> {
            // A queued ALTER blocks the readers behind it: wait for locks only briefly, the step is retried.
            tables.lockTimeout(lockTimeout);
            fence.run();
            boolean widening = changes.stream().anyMatch(c -> !c.isNewColumn());
            List<TargetTables.DependentView> views = List.of();
            if (widening) {
                tables.serializeDdl(schema);
                tables.lockExclusive(schema, table);
                views = tables.dependentViews(schema, table);
                tables.dropViews(views);
            }
            for (TableSchema.Change change : changes) {
                tables.apply(schema, table, change);
                noted.accept(change);
            }
            tables.recreateViews(views);
            // the column registry must judge the live table by its real contents
            if (tableSchema.takeChanged()) {
                registry.saveColumns(sourceId, collection, tableSchema.columns());
            }
        });
    }

    public void applyAndNote(CollectionRun run, String table, TableSchema.Change change) {
        tables.apply(run.schema, table, change);
        report.noteChange(run, change);
    }

    /**
     * One batch: COPY into a temporary staging table and an upsert in one transaction. Returns what COPY loaded
     * and rejected, and how many live rows changed.
     */
    public Merged merge(CollectionRun run, CopyText rows, List<TableSchema.Change> changes) {
        String live = qualified(run.schema, run.table);
        String staging = quote("_mps_staging");
        String columns = RowMapper.copyColumns(run.tableSchema.columns());
        StringBuilder updates = new StringBuilder();
        for (TableSchema.Column c : run.tableSchema.columns()) {
            updates.append(quote(c.name())).append(" = EXCLUDED.").append(quote(c.name())).append(", ");
        }
        updates.append(quote(TableSchema.SOURCE_DOCUMENT)).append(" = EXCLUDED.").append(quote(TableSchema.SOURCE_DOCUMENT))
                .append(", ").append(quote(TableSchema.IMPORTED_AT)).append(" = now()");
        applySchemaChanges(run, changes);
        return transaction.execute(status -> {
            fence.check(run);
            if (run.tableSchema.takeChanged()) {
                registry.saveColumns(run.source.id(), run.collection, run.tableSchema.columns());
            }
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try (var statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE " + staging + " (LIKE " + live + " INCLUDING DEFAULTS) ON COMMIT DROP");
                CopyLoader.Result copied = CopyLoader.copy(connection, staging, columns, rows);
                long changed = statement.executeUpdate("INSERT INTO " + live + " (" + columns + ") SELECT DISTINCT ON ("
                        + quote(TableSchema.ID) + ") " + columns + " FROM " + staging + " ORDER BY "
                        + quote(TableSchema.ID) + ", ctid DESC ON CONFLICT (" + quote(TableSchema.ID) + ") DO UPDATE SET "
                        + updates + " WHERE " + live + "." + quote(TableSchema.SOURCE_DOCUMENT)
                        + " IS DISTINCT FROM EXCLUDED." + quote(TableSchema.SOURCE_DOCUMENT));
                return new Merged(copied, changed);
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL refused the upsert into " + live + ": " + e.getMessage(), e);
            }
        });
    }

    public record Merged(CopyLoader.Result copied, long changedRows) {
    }
}

package io.mongopgsync.stream;

import static io.mongopgsync.mapping.Identifiers.quote;

import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import java.util.List;

/** The statements a change stream's batch runs on an imported table; identifiers quoted, values bound. */
public final class StreamSql {

    private StreamSql() {
    }

    /**
     * Rows from the staging table (COPY-loaded, one per document) into the live table: new rows inserted,
     * existing ones replaced whole, {@code _imported_at} the time of the batch. Which rows may be written at all
     * was decided before (the stale-write guard), so the upsert itself is unconditional.
     */
    public static String upsert(String qualifiedTable, String staging, List<TableSchema.Column> columns) {
        String names = RowMapper.copyColumns(columns);
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(qualifiedTable).append(" (").append(names)
                .append(") SELECT ").append(names).append(" FROM ").append(staging).append(" ON CONFLICT (")
                .append(quote(TableSchema.ID)).append(") DO UPDATE SET ");
        for (TableSchema.Column c : columns) {
            sql.append(quote(c.name())).append(" = EXCLUDED.").append(quote(c.name())).append(", ");
        }
        return sql.append(quote(TableSchema.SOURCE_DOCUMENT)).append(" = EXCLUDED.")
                .append(quote(TableSchema.SOURCE_DOCUMENT)).append(", ").append(quote(TableSchema.IMPORTED_AT))
                .append(" = now()").toString();
    }

    /** Removes the rows whose {@code _id} is in the bound text array. */
    public static String delete(String qualifiedTable) {
        return "DELETE FROM " + qualifiedTable + " WHERE " + quote(TableSchema.ID) + " = ANY(?)";
    }

    /** A staging table shaped like the live one, gone at commit. */
    public static String createStaging(String qualifiedTable, String staging) {
        return "CREATE TEMP TABLE " + staging + " (LIKE " + qualifiedTable + " INCLUDING DEFAULTS) ON COMMIT DROP";
    }
}

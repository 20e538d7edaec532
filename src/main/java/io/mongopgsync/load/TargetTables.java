package io.mongopgsync.load;

import static io.mongopgsync.mapping.Identifiers.qualified;
import static io.mongopgsync.mapping.Identifiers.quote;

import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * DDL on imported tables. Every identifier comes from data, so every one is quoted and length-checked
 * ({@link Identifiers#quote}); values never appear here.
 */
@Component
public class TargetTables {

    private static final Set<String> GRANTABLE = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE",
            "REFERENCES", "TRIGGER");

    private final JdbcClient jdbc;
    /**
     * For SQL text taken from the catalog (view and index definitions): run as plain statements, never prepared,
     * because a prepared statement reads every {@code ?} as a parameter, and jsonb's {@code ?}, {@code ?|} and
     * {@code ?&} operators are everyday SQL in analysts' views.
     */
    private final JdbcTemplate plain;

    public TargetTables(JdbcClient jdbc, JdbcTemplate plain) {
        this.jdbc = jdbc;
        this.plain = plain;
    }

    /** The target schema, should its name have changed since Flyway created the first one. */
    public void ensureSchema(String schema) {
        jdbc.sql("CREATE SCHEMA IF NOT EXISTS " + quote(schema)).update();
    }

    public boolean exists(String schema, String table) {
        return jdbc.sql("SELECT to_regclass(:name) IS NOT NULL").param("name", qualified(schema, table))
                .query(Boolean.class).single();
    }

    /** Creates a table with the service's columns and the given ones; the primary key comes after loading. */
    public void create(String schema, String table, List<TableSchema.Column> columns, boolean withPrimaryKey) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(qualified(schema, table)).append(" (")
                .append(quote(TableSchema.ID)).append(" text NOT NULL");
        for (TableSchema.Column c : columns) {
            ddl.append(", ").append(quote(c.name())).append(' ').append(c.type().sql());
        }
        ddl.append(", ").append(quote(TableSchema.IMPORTED_AT)).append(" timestamptz NOT NULL DEFAULT now()")
                .append(", ").append(quote(TableSchema.SOURCE_DOCUMENT)).append(" jsonb NOT NULL");
        if (withPrimaryKey) {
            ddl.append(", PRIMARY KEY (").append(quote(TableSchema.ID)).append(')');
        }
        jdbc.sql(ddl.append(')').toString()).update();
    }

    /** Applies one schema change: ADD COLUMN, or ALTER COLUMN TYPE with a USING that keeps every value. */
    public void apply(String schema, String table, TableSchema.Change change) {
        TableSchema.Column c = change.column();
        String column = quote(c.name());
        if (change.isNewColumn()) {
            jdbc.sql("ALTER TABLE " + qualified(schema, table) + " ADD COLUMN IF NOT EXISTS " + column + " "
                    + c.type().sql()).update();
            return;
        }
        // A column that held only NULLs takes any type; should it hold a value after all, the cast fails loudly
        // instead of nulling it.
        String using = change.onlyNulls()
                ? "CASE WHEN " + column + " IS NULL THEN NULL::" + c.type().sql() + " ELSE " + column + "::text::"
                + c.type().sql() + " END"
                : c.type().widenUsing(change.previous(), column, c.field());
        // Indexes on a column that becomes jsonb are rebuilt as GIN: a btree over documents is of little use and
        // refuses large values.
        List<String> rebuild = c.type() == ColumnType.JSONB ? singleColumnIndexes(schema, table, c.name()) : List.of();
        for (String index : rebuild) {
            jdbc.sql("DROP INDEX " + qualified(schema, index)).update();
        }
        jdbc.sql("ALTER TABLE " + qualified(schema, table) + " ALTER COLUMN " + column + " TYPE " + c.type().sql()
                + " USING " + using).update();
        for (String index : rebuild) {
            jdbc.sql("CREATE INDEX " + quote(index) + " ON " + qualified(schema, table) + " USING gin (" + column + ")")
                    .update();
        }
    }

    private List<String> singleColumnIndexes(String schema, String table, String column) {
        return jdbc.sql("""
                        SELECT ic.relname FROM pg_index i
                        JOIN pg_class ic ON ic.oid = i.indexrelid
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                        WHERE i.indrelid = CAST(:table AS regclass) AND i.indnatts = 1 AND NOT i.indisprimary
                          AND a.attname = :column
                        """)
                .param("table", qualified(schema, table)).param("column", column).query(String.class).list();
    }

    public void dropIfExists(String schema, String table) {
        jdbc.sql("DROP TABLE IF EXISTS " + qualified(schema, table)).update();
    }

    /**
     * Adds the primary key on {@code _id}. A collection scan can return a document twice when it moves during
     * the scan; then the later copy (loaded last) is kept and the count of removed duplicates returned.
     */
    public long addPrimaryKey(String schema, String table, String constraintName) {
        String target = qualified(schema, table);
        String ddl = "ALTER TABLE " + target + " ADD CONSTRAINT " + quote(constraintName) + " PRIMARY KEY ("
                + quote(TableSchema.ID) + ")";
        try {
            jdbc.sql(ddl).update();
            return 0;
        } catch (org.springframework.dao.DuplicateKeyException e) {
            int removed = jdbc.sql("DELETE FROM " + target + " a USING " + target + " b WHERE a."
                    + quote(TableSchema.ID) + " = b." + quote(TableSchema.ID) + " AND a.ctid < b.ctid").update();
            jdbc.sql(ddl).update();
            return removed;
        }
    }

    public void createIndex(String schema, String table, String indexName, String column, String method,
                            boolean descending) {
        jdbc.sql("CREATE INDEX " + quote(indexName) + " ON " + qualified(schema, table) + " USING " + method + " ("
                + quote(column) + (descending ? " DESC" : "") + ")").update();
    }

    public void renameIndex(String schema, String from, String to) {
        jdbc.sql("ALTER INDEX " + qualified(schema, from) + " RENAME TO " + quote(to)).update();
    }

    /** A view (or materialized view) that depends on a table, with what it takes to recreate it as it was. */
    public record DependentView(String schema, String name, boolean materialized, String definition, String options,
                                int depth, String owner, String comment, boolean populated, List<String> indexes,
                                List<String[]> grants) {
    }

    /** Every view built on the table, directly or through other views, shallowest first. */
    public List<DependentView> dependentViews(String schema, String table) {
        String sql = """
                WITH RECURSIVE deps(oid, depth) AS (
                    SELECT DISTINCT r.ev_class, 1
                    FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                    WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                      AND d.refobjid = CAST(:table AS regclass) AND r.ev_class <> d.refobjid
                    UNION
                    SELECT r.ev_class, deps.depth + 1
                    FROM deps JOIN pg_depend d ON d.refobjid = deps.oid AND d.refclassid = 'pg_class'::regclass
                    JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
                    WHERE r.ev_class <> deps.oid
                )
                SELECT n.nspname, c.relname, c.relkind = 'm' AS materialized, pg_get_viewdef(c.oid) AS definition,
                       array_to_string(c.reloptions, ', ') AS options, max(deps.depth) AS depth,
                       pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS comment,
                       c.relispopulated AS populated,
                       ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid) AS indexes
                FROM deps JOIN pg_class c ON c.oid = deps.oid JOIN pg_namespace n ON n.oid = c.relnamespace
                GROUP BY n.nspname, c.relname, c.relkind, c.oid, c.reloptions, c.relowner, c.relispopulated
                ORDER BY max(deps.depth), n.nspname, c.relname
                """;
        List<DependentView> views = new ArrayList<>();
        jdbc.sql(sql).param("table", qualified(schema, table)).query(rs -> {
            String[] indexes = (String[]) rs.getArray("indexes").getArray();
            views.add(new DependentView(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                    rs.getString(5), rs.getInt(6), rs.getString("owner"), rs.getString("comment"),
                    rs.getBoolean("populated"), List.of(indexes), List.of()));
        });
        return views.stream().map(v -> new DependentView(v.schema(), v.name(), v.materialized(), v.definition(),
                v.options(), v.depth(), v.owner(), v.comment(), v.populated(), v.indexes(),
                grants(v.schema(), v.name()))).toList();
    }

    /** Grants on a relation other than its owner's own: {grantee (quoted or PUBLIC), privilege, grantable}. */
    public List<String[]> grants(String schema, String relation) {
        return jdbc.sql("""
                        SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END,
                               a.privilege_type, a.is_grantable::text
                        FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
                        LEFT JOIN pg_roles r ON r.oid = a.grantee
                        WHERE c.oid = CAST(:rel AS regclass) AND a.grantee <> c.relowner
                        """)
                .param("rel", qualified(schema, relation))
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list();
    }

    public void applyGrants(String schema, String relation, List<String[]> grants) {
        for (String[] g : grants) {
            if (!GRANTABLE.contains(g[1])) {
                continue;
            }
            plain.execute("GRANT " + g[1] + " ON " + qualified(schema, relation) + " TO " + g[0]
                    + ("true".equals(g[2]) ? " WITH GRANT OPTION" : ""));
        }
    }

    /** Drops views deepest first (views on views before the views they use). */
    public void dropViews(List<DependentView> views) {
        for (int i = views.size() - 1; i >= 0; i--) {
            dropView(views.get(i));
        }
    }

    /** Recreates views shallowest first, naming the view when PostgreSQL refuses one. */
    public void recreateViews(List<DependentView> views) {
        for (DependentView view : views) {
            try {
                recreateView(view);
            } catch (org.springframework.dao.DataAccessException e) {
                throw new IllegalStateException("the view " + view.schema() + "." + view.name() + " depends on this table "
                        + "and cannot be recreated on its new version (" + e.getMostSpecificCause().getMessage()
                        + "); change or drop the view", e);
            }
        }
    }

    /** Serialises DDL on the schema's imported tables for the rest of the transaction. */
    public void serializeDdl(String schema) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:key))").param("key", "mongo-pg-sync:" + schema)
                .query().singleRow();
    }

    /** {@code wanted}, or a hashed variant when another relation of the schema already has that name. */
    public String freeIndexName(String schema, String wanted, String seed) {
        if (!exists(schema, wanted)) {
            return wanted;
        }
        return Identifiers.withSuffix(wanted, Identifiers.hash(seed + "/" + wanted));
    }

    /** What every shadow table of one (source, collection) ends with. */
    public static String shadowSuffix(long sourceId, String collection) {
        return Identifiers.hash(sourceId + "/" + collection);
    }

    /** Shadow tables of one (source, collection), whatever job made them. */
    public List<String> shadowsOf(String schema, String suffix) {
        return jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = :schema AND tablename LIKE :pattern")
                .param("schema", schema).param("pattern", "\\_mps\\_shadow\\_%\\_" + suffix)
                .query(String.class).list();
    }

    public void dropView(DependentView view) {
        jdbc.sql("DROP " + (view.materialized() ? "MATERIALIZED VIEW" : "VIEW") + " IF EXISTS "
                + qualified(view.schema(), view.name())).update();
    }

    /** Recreates a view with its options, data state, indexes, owner, comment and grants. */
    public void recreateView(DependentView view) {
        String options = view.options() == null || view.options().isBlank() ? "" : " WITH (" + view.options() + ")";
        String definition = view.definition().trim();
        if (definition.endsWith(";")) {
            definition = definition.substring(0, definition.length() - 1);
        }
        String name = qualified(view.schema(), view.name());
        String kind = view.materialized() ? "MATERIALIZED VIEW " : "VIEW ";
        plain.execute("CREATE " + kind + name + options + " AS " + definition
                + (view.materialized() && !view.populated() ? " WITH NO DATA" : ""));
        for (String index : view.indexes()) {
            plain.execute(index);
        }
        if (view.comment() != null) {
            plain.execute("COMMENT ON " + kind + name + " IS " + Identifiers.literal(view.comment()));
        }
        applyGrants(view.schema(), view.name(), view.grants());
        // Last: once it is another role's, this role may no longer grant on it.
        String currentUser = jdbc.sql("SELECT current_user").query(String.class).single();
        if (view.owner() != null && !view.owner().equals(currentUser)) {
            jdbc.sql("ALTER " + kind + name + " OWNER TO " + quote(view.owner())).update();
        }
    }

    /** Sets the statement's lock wait inside the current transaction. */
    public void lockTimeout(java.time.Duration timeout) {
        jdbc.sql("SELECT set_config('lock_timeout', :value, true)").param("value", timeout.toMillis() + "ms")
                .query(String.class).single();
    }

    public void lockExclusive(String schema, String table) {
        jdbc.sql("LOCK TABLE " + qualified(schema, table) + " IN ACCESS EXCLUSIVE MODE").update();
    }

    public void rename(String schema, String from, String to) {
        jdbc.sql("ALTER TABLE " + qualified(schema, from) + " RENAME TO " + quote(to)).update();
    }

    public void drop(String schema, String table) {
        jdbc.sql("DROP TABLE " + qualified(schema, table)).update();
    }

    /** Whether this type may carry a btree index (JSONB gets GIN instead). */
    public static String indexMethod(ColumnType type) {
        return type == ColumnType.JSONB ? "gin" : "btree";
    }
}

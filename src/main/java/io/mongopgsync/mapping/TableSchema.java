package io.mongopgsync.mapping;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * The columns of one imported table: which top-level field goes to which column of which type. It grows as
 * documents reveal new fields and widens a column when a field shows a type its column cannot hold; each such
 * step is returned as a {@link Change} for the loader to apply as DDL before the rows that need it.
 */
public final class TableSchema {

    public static final String ID = "_id";
    public static final String IMPORTED_AT = "_imported_at";
    public static final String SOURCE_DOCUMENT = "_source_document";
    private static final Set<String> RESERVED = Set.of(ID, IMPORTED_AT, SOURCE_DOCUMENT);

    /** One field's column; {@code bsonTypes} are the BSON type names seen in this field. */
    public record Column(String field, String name, ColumnType type, Set<String> bsonTypes) {
    }

    /**
     * A DDL step: a new column ({@code previous == null}) or a wider type for an existing one. {@code onlyNulls}
     * says the column held nothing but NULL so far, so any type can replace its placeholder TEXT.
     */
    public record Change(Column column, ColumnType previous, boolean onlyNulls) {
        public boolean isNewColumn() {
            return previous == null;
        }
    }

    /** Columns a table gets at most; PostgreSQL allows 1,600 and documents with data as keys would exceed it. */
    public static final int DEFAULT_MAX_COLUMNS = 1000;

    private final Map<String, Column> byField = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>(RESERVED);
    private final int maxColumns;
    private final Set<String> overflow = new TreeSet<>();
    private final Map<String, Fits> fitting = new java.util.HashMap<>();
    /** Reads documents as MongoDB sent them; callers hold this schema's lock while checking. */
    private final RawFields rawFields = new RawFields();
    private boolean changedSinceSave;

    public TableSchema(Collection<Column> existing) {
        this(existing, DEFAULT_MAX_COLUMNS);
    }

    public TableSchema(Collection<Column> existing, int maxColumns) {
        this.maxColumns = maxColumns;
        for (Column c : existing) {
            byField.put(c.field(), new Column(c.field(), c.name(), c.type(), new TreeSet<>(c.bsonTypes())));
            names.add(c.name());
        }
    }

    /** Fields beyond the column limit: kept only in _source_document. */
    public Set<String> overflowFields() {
        return Set.copyOf(overflow);
    }

    /**
     * Whether any column (its type or the BSON types seen in it) changed since the last call: the column registry
     * must then be saved with the rows, or a later run would judge the live table by stale facts.
     */
    public boolean takeChanged() {
        boolean changed = changedSinceSave;
        changedSinceSave = false;
        return changed;
    }

    public List<Column> columns() {
        return List.copyOf(byField.values());
    }

    public Column column(String field) {
        return byField.get(field);
    }

    /**
     * Looks at every top-level field of the documents and returns what the table needs so that each value fits:
     * new columns first, then widened ones. The schema reflects the changes once this returns.
     */
    public List<Change> observe(List<? extends BsonDocument> documents) {
        Map<String, ColumnType> needed = new LinkedHashMap<>();
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        for (BsonDocument doc : documents) {
            for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
                if (e.getKey().equals(ID)) {
                    continue;
                }
                BsonValue value = e.getValue();
                seen.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(bsonTypeName(value));
                ColumnType type = ColumnType.of(value);
                // null values are kept in the map: a field seen only as null still gets a (TEXT) column
                needed.put(e.getKey(), needed.containsKey(e.getKey()) ? ColumnType.join(needed.get(e.getKey()), type) : type);
            }
        }
        List<Change> added = new ArrayList<>();
        List<Change> widened = new ArrayList<>();
        List<String> newFields = new ArrayList<>();
        for (String field : needed.keySet()) {
            if (!byField.containsKey(field)) {
                newFields.add(field);
            }
        }
        // A field already in its sanitised form claims that name before look-alikes ("total_amount" before
        // "Total Amount"); otherwise names go in field order.
        newFields.sort(Comparator.comparing((String f) -> !f.equals(Identifiers.sanitize(f))).thenComparing(f -> f));
        for (String field : newFields) {
            if (byField.size() >= maxColumns) {
                overflow.add(field);
                continue;
            }
            ColumnType type = needed.get(field) == null ? ColumnType.TEXT : needed.get(field);
            Column column = new Column(field, allocateName(field), type, new TreeSet<>(seen.get(field)));
            byField.put(field, column);
            added.add(new Change(column, null, false));
        }
        for (Map.Entry<String, ColumnType> e : needed.entrySet()) {
            Column current = byField.get(e.getKey());
            if (current == null) {
                continue; // over the column limit
            }
            boolean onlyNulls = onlyNulls(current.bsonTypes());
            Set<String> types = new TreeSet<>(current.bsonTypes());
            types.addAll(seen.get(e.getKey()));
            ColumnType joined = onlyNulls && e.getValue() != null ? e.getValue() : ColumnType.join(current.type(), e.getValue());
            Column updated = new Column(current.field(), current.name(), joined, types);
            byField.put(e.getKey(), updated);
            if (!types.equals(current.bsonTypes())) {
                changedSinceSave = true;
            }
            if (joined != current.type()) {
                widened.add(new Change(updated, current.type(), onlyNulls));
            }
        }
        List<Change> all = new ArrayList<>(added);
        all.addAll(widened);
        if (!all.isEmpty()) {
            changedSinceSave = true;
        }
        return all;
    }

    /**
     * Whether {@link #observe} would change anything for these documents (a column, a type, a BSON type seen), without
     * changing it: parallel loaders check under a shared lock and change under an exclusive one.
     */
    public boolean needsChange(List<? extends BsonDocument> documents) {
        for (BsonDocument doc : documents) {
            if (doc instanceof RawBsonDocument raw && rawFields.read(raw)) {
                // from the document's bytes: a value is made an object only for a type its column has not seen
                for (int i = 0; i < rawFields.count(); i++) {
                    int verdict = fits(rawFields.name(i), rawFields.type(i) & 0xFF);
                    if (verdict == CHANGE || verdict == UNKNOWN && needsChange(rawFields.name(i), rawFields.value(i))) {
                        return true;
                    }
                }
                continue;
            }
            for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
                int verdict = fits(e.getKey(), e.getValue().getBsonType().getValue());
                if (verdict == CHANGE || verdict == UNKNOWN && needsChange(e.getKey(), e.getValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final int FITS = 0;
    private static final int CHANGE = 1;
    private static final int UNKNOWN = 2;

    /** What is known of a field's value of BSON type {@code bsonType} without looking at the value. */
    private int fits(String field, int bsonType) {
        if (field.equals(ID)) {
            return FITS;
        }
        Column current = byField.get(field);
        if (current == null) {
            return overflow.contains(field) ? FITS : CHANGE;
        }
        Fits fits = fitting.get(field);
        return fits != null && fits.column() == current && fits.types()[bsonType] ? FITS : UNKNOWN;
    }

    /** The full check of one value against its column; a type found to fit is remembered for the column. */
    private boolean needsChange(String field, BsonValue value) {
        Column current = byField.get(field);
        BsonType bsonType = value.getBsonType();
        ColumnType type = ColumnType.of(value);
        if (!current.bsonTypes().contains(bsonTypeName(value))
                || type != null && (onlyNulls(current.bsonTypes()) || ColumnType.join(current.type(), type) != current.type())) {
            return true;
        }
        if (bsonType != BsonType.BINARY) { // a binary's column type and type name depend on its subtype
            Fits fits = fitting.get(field);
            if (fits == null || fits.column() != current) {
                fits = new Fits(current, new boolean[256]);
                fitting.put(field, fits);
            }
            fits.types()[bsonType.getValue() & 0xFF] = true;
        }
        return false;
    }

    /**
     * The BSON types known to need no change in one column as it stands ({@link #needsChange} checks each value of
     * every batch; the full check runs once per column and type). A changed column is a new {@link Column}, which
     * voids its entry.
     */
    private record Fits(Column column, boolean[] types) {
    }

    /** Fields whose values had more than one BSON type (null aside): the type conflicts of this table. */
    public Map<String, Column> conflicts() {
        Map<String, Column> out = new LinkedHashMap<>();
        for (Column c : byField.values()) {
            long kinds = c.bsonTypes().stream().filter(t -> !t.equals("null")).count();
            if (kinds > 1) {
                out.put(c.field(), c);
            }
        }
        return out;
    }

    private static boolean onlyNulls(Set<String> bsonTypes) {
        return bsonTypes.stream().allMatch(t -> t.equals("null") || t.equals("undefined"));
    }

    private String allocateName(String field) {
        String base = Identifiers.sanitize(field);
        String name = Identifiers.fit(base, field);
        if (names.contains(name)) {
            String suffix = Identifiers.hash(field);
            name = Identifiers.withSuffix(base, suffix);
            for (int n = 2; names.contains(name); n++) {
                name = Identifiers.withSuffix(base, suffix + n);
            }
        }
        names.add(name);
        return name;
    }

    static String bsonTypeName(BsonValue value) {
        return switch (value.getBsonType()) {
            case DOUBLE -> "double";
            case STRING -> "string";
            case DOCUMENT -> "object";
            case ARRAY -> "array";
            case BINARY -> ColumnType.isUuid(value) ? "uuid" : "binData";
            case UNDEFINED -> "undefined";
            case OBJECT_ID -> "objectId";
            case BOOLEAN -> "bool";
            case DATE_TIME -> "date";
            case NULL -> "null";
            case REGULAR_EXPRESSION -> "regex";
            case DB_POINTER -> "dbPointer";
            case JAVASCRIPT -> "javascript";
            case SYMBOL -> "symbol";
            case JAVASCRIPT_WITH_SCOPE -> "javascriptWithScope";
            case INT32 -> "int";
            case TIMESTAMP -> "timestamp";
            case INT64 -> "long";
            case DECIMAL128 -> "decimal";
            case MIN_KEY -> "minKey";
            case MAX_KEY -> "maxKey";
            default -> value.getBsonType().name().toLowerCase();
        };
    }
}

package io.mongopgsync.verify;

import io.mongopgsync.mapping.ExtendedJson;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Every id a verification found drifting, in a temporary file so that memory stays bounded however large the
 * drift: ids to upsert (missing or differing; their MongoDB {@code _id} as canonical Extended JSON) and ids to
 * delete (extra rows; the table's {@code _id} text). A repair reads them back in batches.
 */
final class DriftIds implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;
    private long toUpsert;
    private long toDelete;

    DriftIds() {
        try {
            file = Files.createTempFile("mps-drift-", ".ids");
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary file for the drifting ids", e);
        }
    }

    /** A document whose row is missing or differs; {@code idJson} as written by {@link #idJson}. */
    void upsert(String idJson) {
        write('U', idJson);
        toUpsert++;
    }

    /** A row whose document is gone; {@code rowId} is the table's _id. */
    void delete(String rowId) {
        write('D', ExtendedJson.quote(rowId));
        toDelete++;
    }

    long toUpsert() {
        return toUpsert;
    }

    long toDelete() {
        return toDelete;
    }

    static String idJson(BsonValue id) {
        return new BsonDocument("_id", id).toJson(org.bson.json.JsonWriterSettings.builder()
                .outputMode(org.bson.json.JsonMode.EXTENDED).build());
    }

    static BsonValue parseIdJson(String idJson) {
        return BsonDocument.parse(idJson).get("_id");
    }

    private void write(char kind, String value) {
        try {
            out.write(kind);
            out.write(value);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a drifting id to " + file, e);
        }
    }

    /** Reads the ids back in batches: MongoDB ids to upsert, then row ids to delete. */
    void forEachBatch(int size, Consumer<List<BsonValue>> upserts, Consumer<List<String>> deletes) {
        try {
            out.flush();
            List<BsonValue> up = new ArrayList<>(size);
            List<String> del = new ArrayList<>(size);
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.charAt(0) == 'U') {
                        up.add(parseIdJson(line.substring(1)));
                        if (up.size() == size) {
                            upserts.accept(List.copyOf(up));
                            up.clear();
                        }
                    } else {
                        del.add(CanonicalDocuments.parse(line.substring(1)).textValue());
                        if (del.size() == size) {
                            deletes.accept(List.copyOf(del));
                            del.clear();
                        }
                    }
                }
            }
            if (!up.isEmpty()) {
                upserts.accept(up);
            }
            if (!del.isEmpty()) {
                deletes.accept(del);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the drifting ids back from " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file left behind is removed with the temporary folder
        }
    }
}

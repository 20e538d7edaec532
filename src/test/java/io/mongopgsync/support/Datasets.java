package io.mongopgsync.support;

import com.mongodb.client.MongoDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.BsonDocument;

/** The public datasets under src/test/resources/datasets, read as mongoimport would read them. */
public final class Datasets {

    public static final List<String> ALL = List.of("products", "restaurant", "books", "grades", "students");

    /** mongoimport accepts "-0700"; the Java driver's Extended JSON reader wants "-07:00". */
    private static final Pattern OFFSET = Pattern.compile("(\"\\$date\"\\s*:\\s*\"[^\"]*[+-]\\d{2})(\\d{2})\"");

    private Datasets() {
    }

    public static List<BsonDocument> read(String name) {
        List<BsonDocument> docs = new ArrayList<>();
        try (InputStream in = Datasets.class.getResourceAsStream("/datasets/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no dataset " + name);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    docs.add(BsonDocument.parse(OFFSET.matcher(line).replaceAll("$1:$2\"")));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return docs;
    }

    /** Inserts the dataset into {@code db.<name>}; returns the number of documents. */
    public static int load(MongoDatabase db, String name) {
        List<BsonDocument> docs = read(name);
        db.getCollection(name, BsonDocument.class).insertMany(docs);
        return docs.size();
    }
}

package io.mongopgsync.demo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Indexes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * Writes the demo collections: the same documents on every start (fixed seed), with the shapes real
 * collections have: nested documents, arrays, dates, decimals, and fields whose type varies.
 */
public final class DemoDataGenerator {

    static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    private static final String[] CITIES = {"Berlin", "Lisbon", "Toronto", "Osaka", "Nairobi", "Lima", "Oslo"};
    private static final String[] COUNTRIES = {"DE", "PT", "CA", "JP", "KE", "PE", "NO"};
    private static final String[] TAGS = {"newsletter", "beta", "enterprise", "churn-risk", "referral", "mobile"};
    private static final String[] STATUSES = {"placed", "paid", "shipped", "delivered", "returned"};
    private static final String[] CATEGORIES = {"audio", "cables", "storage", "displays", "input", "power"};
    private static final String[] EVENT_TYPES = {"page_view", "search", "add_to_cart", "checkout", "login"};

    private final Random random = new Random(42);
    private final int scale;

    public DemoDataGenerator(int scale) {
        this.scale = scale;
    }

    /** Seeds every demo collection that is still empty; returns the number of documents written. */
    public long seed(MongoDatabase db) {
        long written = 0;
        written += seedIfEmpty(db.getCollection("customers"), 2_000 * scale, this::customer);
        written += seedIfEmpty(db.getCollection("products"), 300 * scale, this::product);
        written += seedIfEmpty(db.getCollection("orders"), 5_000 * scale, this::order);
        written += seedIfEmpty(db.getCollection("events"), 3_000 * scale, this::event);
        db.getCollection("customers").createIndex(Indexes.ascending("email"));
        db.getCollection("orders").createIndex(Indexes.ascending("customerId"));
        db.getCollection("orders").createIndex(Indexes.ascending("updatedAt"));
        return written;
    }

    private interface Factory {
        Document make(int i);
    }

    private long seedIfEmpty(MongoCollection<Document> collection, int count, Factory factory) {
        if (collection.estimatedDocumentCount() > 0) {
            return 0;
        }
        List<Document> batch = new ArrayList<>(1000);
        for (int i = 0; i < count; i++) {
            batch.add(factory.make(i));
            if (batch.size() == 1000) {
                collection.insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            collection.insertMany(batch);
        }
        return count;
    }

    static ObjectId customerId(int i) {
        return new ObjectId(Date.from(EPOCH.plus(i, ChronoUnit.MINUTES)), i);
    }

    private Document customer(int i) {
        int city = random.nextInt(CITIES.length);
        Document doc = new Document("_id", customerId(i))
                .append("name", "Customer " + i)
                .append("email", "customer" + i + "@example.com")
                .append("address", new Document("street", (random.nextInt(200) + 1) + " Main Street")
                        .append("city", CITIES[city]).append("country", COUNTRIES[city])
                        .append("geo", new Document("lat", round(random.nextDouble() * 180 - 90, 5))
                                .append("lng", round(random.nextDouble() * 360 - 180, 5))))
                .append("tags", pick(TAGS, random.nextInt(3)))
                .append("vip", random.nextInt(10) == 0)
                .append("signupAt", date(random.nextInt(365 * 24 * 60)))
                .append("updatedAt", date(365 * 24 * 60 + random.nextInt(30 * 24 * 60)));
        // The trap real collections have: the same field as int, double and string.
        switch (i % 10) {
            case 0 -> doc.append("loyaltyPoints", "not enrolled");
            case 1, 2, 3 -> doc.append("loyaltyPoints", round(random.nextDouble() * 500, 2));
            default -> doc.append("loyaltyPoints", random.nextInt(5000));
        }
        return doc;
    }

    private Document product(int i) {
        Document doc = new Document("_id", String.format("SKU-%05d", i))
                .append("name", "Product " + i)
                .append("categories", pick(CATEGORIES, 1 + random.nextInt(2)))
                .append("dimensions", new Document("w", random.nextInt(50) + 1).append("h", random.nextInt(50) + 1)
                        .append("unit", "cm"))
                .append("createdAt", date(random.nextInt(365 * 24 * 60)));
        doc.append("price", i % 3 == 0 ? (Object) (random.nextInt(500) + 1) : (Object) round(random.nextDouble() * 500, 2));
        if (i % 7 == 0) {
            doc.append("discontinued", true);
        }
        return doc;
    }

    private Document order(int i) {
        List<Document> items = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
            BigDecimal price = BigDecimal.valueOf(100 + random.nextInt(50_000), 2);
            int qty = 1 + random.nextInt(3);
            items.add(new Document("sku", String.format("SKU-%05d", random.nextInt(300 * scale)))
                    .append("qty", qty).append("price", new Decimal128(price)));
            total = total.add(price.multiply(BigDecimal.valueOf(qty)));
        }
        int placed = random.nextInt(365 * 24 * 60);
        return new Document("_id", 100_000L + i)
                .append("customerId", customerId(random.nextInt(2_000 * scale)))
                .append("status", STATUSES[random.nextInt(STATUSES.length)])
                .append("items", items)
                .append("total", new Decimal128(total))
                .append("shipping", new Document("method", random.nextBoolean() ? "standard" : "express")
                        .append("fee", random.nextBoolean() ? 0 : 4.99))
                .append("orderedAt", date(placed))
                .append("updatedAt", date(placed + random.nextInt(14 * 24 * 60)));
    }

    private Document event(int i) {
        String type = EVENT_TYPES[random.nextInt(EVENT_TYPES.length)];
        Document payload = switch (type) {
            case "search" -> new Document("query", "usb cable " + random.nextInt(100)).append("results", random.nextInt(40));
            case "add_to_cart" -> new Document("sku", String.format("SKU-%05d", random.nextInt(300))).append("qty", 1);
            case "checkout" -> new Document("orderId", 100_000L + random.nextInt(5_000));
            default -> new Document("path", "/p/" + random.nextInt(1000));
        };
        return new Document("_id", new ObjectId(Date.from(EPOCH.plus(i, ChronoUnit.SECONDS)), 1_000_000 + i))
                .append("type", type)
                .append("customerId", customerId(random.nextInt(2_000 * scale)))
                .append("at", date(random.nextInt(365 * 24 * 60)))
                .append("payload", payload);
    }

    private List<String> pick(String[] values, int n) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String v = values[random.nextInt(values.length)];
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static Date date(int minutesAfterEpoch) {
        return Date.from(EPOCH.plus(minutesAfterEpoch, ChronoUnit.MINUTES));
    }

    private static double round(double value, int places) {
        return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).doubleValue();
    }
}

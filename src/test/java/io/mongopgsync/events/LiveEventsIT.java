package io.mongopgsync.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoDatabase;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.EventStreamClient;
import io.mongopgsync.support.EventStreamClient.Event;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The live channel on its own, as a client reads it: GET /api/events with a bearer token while a sync runs, then
 * reconnects; without a valid token it is refused like every other API call.
 */
@ServiceIT
class LiveEventsIT {

    @LocalServerPort
    int port;

    SyncClient sync;
    final TestMongo mongo = TestMongo.get();
    String database;

    @BeforeEach
    void setUp() {
        sync = new SyncClient(new ApiClient(port));
        database = "live_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private long sourceWith(int documents) {
        MongoDatabase db = mongo.client().getDatabase(database);
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            docs.add(new Document("_id", i).append("name", "item " + i).append("n", i));
        }
        db.getCollection("items").insertMany(docs);
        return sync.createSource("live", mongo.uri(database), database, Map.of("batchSize", 100));
    }

    private static List<Event> ofSource(List<Event> events, long sourceId) {
        return events.stream().filter(e -> switch (e.type()) {
            case "source" -> e.data().get("id").asLong() == sourceId;
            case "job", "progress", "history" -> e.data().get("dataSourceId").asLong() == sourceId;
            default -> false;
        }).toList();
    }

    private static boolean completed(Event e, long sourceId) {
        return e.type().equals("source") && e.data().get("id").asLong() == sourceId
                && e.data().path("job").path("status").asText().equals("completed");
    }

    private static long sequence(Event e) {
        return Long.parseLong(e.id().substring(e.id().lastIndexOf('-') + 1));
    }

    static final int DOCUMENTS = 80_000;

    @Test
    void shouldStreamJobProgressAndHistoryOfARunningSyncInOrder() {
        // large enough to take a few progress intervals (250 ms) on a quiet machine: 20,000 documents now load in
        // about half a second
        long sourceId = sourceWith(DOCUMENTS);
        try (EventStreamClient stream = new EventStreamClient(port, null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            await().atMost(Duration.ofSeconds(10)).until(() -> !stream.events().isEmpty());
            assertThat(stream.events().get(0).type()).isEqualTo("snapshot");

            long jobId = sync.trigger(sourceId, "full");
            await().atMost(Duration.ofMinutes(2)).until(() -> stream.events().stream().anyMatch(e -> completed(e, sourceId)));

            List<Event> all = stream.events();
            for (int i = 1; i < all.size(); i++) {
                assertThat(sequence(all.get(i))).as("ids increase").isGreaterThan(sequence(all.get(i - 1)));
            }
            List<Event> mine = ofSource(all, sourceId);
            List<String> jobStatuses = mine.stream().filter(e -> e.type().equals("job"))
                    .filter(e -> e.data().get("id").asLong() == jobId).map(e -> e.data().get("status").asText()).toList();
            assertThat(jobStatuses).last().isEqualTo("completed");
            assertThat(List.of("queued", "running", "completed")).containsSubsequence(jobStatuses);

            List<Event> progress = mine.stream().filter(e -> e.type().equals("progress")).toList();
            List<Long> processed = progress.stream().map(e -> e.data().get("processed").asLong()).toList();
            assertThat(processed).as("progress never goes back").isSorted();
            assertThat(progress.stream().filter(e -> e.data().get("status").asText().equals("in_progress"))
                    .map(e -> e.data().get("processed").asLong()).filter(n -> n > 0 && n < DOCUMENTS).distinct().count())
                    .as("progress arrives while batches are written, not only at the end: %s", processed)
                    .isGreaterThanOrEqualTo(2);
            Event last = progress.get(progress.size() - 1);
            assertThat(last.data().get("percent").asDouble()).isEqualTo(100.0);
            assertThat(last.data().get("processed").asLong()).isEqualTo(DOCUMENTS);
            assertThat(progress.stream().anyMatch(e -> e.data().path("docsPerSecond").asDouble() > 0)).isTrue();

            int historyAt = indexOf(mine, e -> e.type().equals("history"));
            assertThat(historyAt).isPositive();
            Event history = mine.get(historyAt);
            assertThat(history.data().get("collection").asText()).isEqualTo("items");
            assertThat(history.data().get("status").asText()).isEqualTo("completed");
            assertThat(history.data().get("recordsSynced").asLong()).isEqualTo(DOCUMENTS);
            assertThat(indexOf(mine, e -> e.type().equals("progress"))).isLessThan(historyAt);
            assertThat(indexOf(mine, e -> completed(e, sourceId))).isGreaterThan(historyAt);
            Event done = mine.stream().filter(e -> completed(e, sourceId)).findFirst().orElseThrow();
            assertThat(done.data().get("syncStatus").asText()).isEqualTo("completed");
            assertThat(done.data().get("totalRecordsSynced").asLong()).isEqualTo(DOCUMENTS);
        }
    }

    @Test
    void shouldResumeAfterLastEventIdWithExactlyTheEventsMissed() {
        long sourceId = sourceWith(3_000);
        List<Event> first;
        try (EventStreamClient stream = new EventStreamClient(port, null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !stream.events().isEmpty());
            sync.trigger(sourceId, "full");
            await().atMost(Duration.ofMinutes(2)).until(() -> stream.events().stream().anyMatch(e -> completed(e, sourceId)));
            first = stream.events();
        }
        // A client that saw up to the first event of this sync reconnects: it gets everything after it, in order.
        int seen = indexOf(first, e -> ofSource(List.of(e), sourceId).size() == 1);
        List<Event> missed = first.subList(seen + 1, first.size());
        try (EventStreamClient resumed = new EventStreamClient(port, first.get(seen).id())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.events().size() >= missed.size());
            List<Event> replay = resumed.events().subList(0, missed.size());
            assertThat(replay).extracting(Event::id).containsExactlyElementsOf(missed.stream().map(Event::id).toList());
            assertThat(replay).extracting(Event::type).containsExactlyElementsOf(missed.stream().map(Event::type).toList());
            assertThat(resumed.events()).noneMatch(e -> e.type().equals("snapshot"));
        }
        // An id of an earlier run of the service (or one no longer kept) gets a snapshot of the current state.
        try (EventStreamClient afterRestart = new EventStreamClient(port, "0-5")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !afterRestart.events().isEmpty());
            Event snapshot = afterRestart.events().get(0);
            assertThat(snapshot.type()).isEqualTo("snapshot");
            assertThat(snapshot.id()).isNotEqualTo("0-5");
            List<String> statuses = new ArrayList<>();
            snapshot.data().get("sources").forEach(s -> {
                if (s.get("id").asLong() == sourceId) {
                    statuses.add(s.get("syncStatus").asText());
                    assertThat(s.get("totalRecordsSynced").asLong()).isEqualTo(3_000);
                }
            });
            assertThat(statuses).containsExactly("completed");
        }
    }

    @Test
    void shouldRefuseAStreamWithoutAValidTokenWith401AndOpenItForAViewer() {
        try (EventStreamClient anonymous = new EventStreamClient(port, null, null)) {
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.contentType()).startsWith("application/json");
            assertThat(anonymous.errorBody().get("error").asText()).isEqualTo("unauthorized");
            assertThat(anonymous.errorBody().get("message").asText()).contains("Authorization: Bearer");
            assertThat(anonymous.events()).isEmpty();
        }
        try (EventStreamClient wrong = new EventStreamClient(port, null, "mps_" + "x".repeat(43))) {
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.errorBody().get("error").asText()).isEqualTo("invalid_token");
            assertThat(wrong.errorBody().get("message").asText()).isNotBlank();
        }
        TestTokens.Created viewer = TestTokens.create(sync.api(), "live", "viewer");
        try (EventStreamClient stream = new EventStreamClient(port, null, viewer.token())) {
            assertThat(stream.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !stream.events().isEmpty());
            assertThat(stream.events().get(0).type()).isEqualTo("snapshot");
        }
    }

    private static int indexOf(List<Event> events, java.util.function.Predicate<Event> test) {
        for (int i = 0; i < events.size(); i++) {
            if (test.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}

package io.mongopgsync.stream;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonDocument;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The change streams' tables: consumers with their leases (dra_stream_consumers), each collection's position
 * (dra_stream_positions) and the versions of the rows the streams changed (dra_stream_row_versions).
 */
@Repository
public class StreamStore {

    private final JdbcClient jdbc;

    public StreamStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A source's consumer as the table has it. */
    public record Consumer(long sourceId, String owner, Instant leaseUntil, String state, boolean paused, Long historyId,
                           long eventsApplied, Instant lastEventAt, Instant lastAppliedAt, Long lagMs,
                           String errorMessage, boolean leaseLive) {
    }

    /** Where one collection's stream stands. */
    public record Position(String collection, BsonDocument resumeToken, Long lastClusterTime, String snapshotState,
                           Instant snapshotNeededAt, Long heldByJob, int generation) {
        public boolean snapshotDone() {
            return "done".equals(snapshotState);
        }

        /** Whether the consumer may apply the collection's events now. */
        public boolean applicable() {
            return snapshotDone() && heldByJob == null;
        }
    }

    /** Sources whose sync_config has realtime on. */
    public List<Long> realtimeSources() {
        return jdbc.sql("SELECT id FROM dra_data_sources WHERE (sync_config ->> 'realtime') = 'true' ORDER BY id")
                .query(Long.class).list();
    }

    public boolean isRealtime(long sourceId) {
        return jdbc.sql("SELECT count(*) FROM dra_data_sources WHERE id = :id AND (sync_config ->> 'realtime') = 'true'")
                .param("id", sourceId).query(Long.class).single() > 0;
    }

    /**
     * Takes the source's lease when nobody holds it, its holder let it go or let it lapse, or this owner holds it
     * already. A compare-and-set: of several instances, one wins.
     */
    public boolean acquire(long sourceId, String owner, Duration lease) {
        return jdbc.sql("INSERT INTO dra_stream_consumers (data_source_id, owner, lease_until, state) "
                        + "VALUES (:id, :owner, now() + make_interval(secs => :secs), 'starting') "
                        + "ON CONFLICT (data_source_id) DO UPDATE SET owner = EXCLUDED.owner, "
                        + "lease_until = EXCLUDED.lease_until, state = 'starting', error_message = NULL, updated_at = now() "
                        + "WHERE dra_stream_consumers.owner IS NULL OR dra_stream_consumers.owner = EXCLUDED.owner "
                        + "OR dra_stream_consumers.lease_until < now() RETURNING 1")
                .param("id", sourceId).param("owner", owner).param("secs", lease.toMillis() / 1000.0)
                .query(Integer.class).optional().isPresent();
    }

    /** Extends the lease; false when another instance took it over. */
    public boolean renew(long sourceId, String owner, Duration lease) {
        return jdbc.sql("UPDATE dra_stream_consumers SET lease_until = now() + make_interval(secs => :secs) "
                        + "WHERE data_source_id = :id AND owner = :owner")
                .param("id", sourceId).param("owner", owner).param("secs", lease.toMillis() / 1000.0).update() == 1;
    }

    /** Lets the lease go at once (a clean stop), so that another instance need not wait for it to lapse. */
    public void release(long sourceId, String owner, String state, String error) {
        jdbc.sql("UPDATE dra_stream_consumers SET owner = NULL, lease_until = NULL, state = :state, "
                        + "error_message = :error, updated_at = now() WHERE data_source_id = :id AND owner = :owner")
                .param("id", sourceId).param("owner", owner).param("state", state).param("error", error).update();
    }

    /**
     * Inside a transaction: whether {@code owner} still holds the source's lease, locking the consumer row until
     * commit so that no other instance takes it over meanwhile.
     */
    public boolean holds(long sourceId, String owner) {
        return jdbc.sql("SELECT 1 FROM dra_stream_consumers WHERE data_source_id = :id AND owner = :owner FOR UPDATE")
                .param("id", sourceId).param("owner", owner).query(Integer.class).optional().isPresent();
    }

    /** A consumer session starts: its history row, counters from zero. */
    public void session(long sourceId, String owner, String state, Long historyId) {
        jdbc.sql("UPDATE dra_stream_consumers SET state = :state, history_id = :history, events_applied = 0, "
                        + "last_event_at = NULL, last_applied_at = NULL, error_message = NULL, updated_at = now() "
                        + "WHERE data_source_id = :id AND owner = :owner")
                .param("id", sourceId).param("owner", owner).param("state", state).param("history", historyId).update();
    }

    public void state(long sourceId, String owner, String state, String error) {
        jdbc.sql("UPDATE dra_stream_consumers SET state = :state, error_message = :error, updated_at = now() "
                        + "WHERE data_source_id = :id AND owner = :owner")
                .param("id", sourceId).param("owner", owner).param("state", state).param("error", error).update();
    }

    /** Inside the batch's transaction: what the batch applied. */
    public void applied(long sourceId, long events, long lastClusterTime) {
        jdbc.sql("UPDATE dra_stream_consumers SET events_applied = events_applied + :events, last_applied_at = now(), "
                        + "lag_ms = GREATEST(0, (extract(epoch FROM clock_timestamp()) * 1000)::bigint - :seconds * 1000), "
                        + "last_event_at = GREATEST(last_event_at, to_timestamp(:seconds)), updated_at = now() "
                        + "WHERE data_source_id = :id")
                .param("id", sourceId).param("events", events)
                .param("seconds", (double) ChangeEvent.seconds(lastClusterTime)).update();
    }

    /** How far behind MongoDB the consumer is now (0 when it has applied everything it was given). */
    public void lag(long sourceId, String owner, long lagMs) {
        jdbc.sql("UPDATE dra_stream_consumers SET lag_ms = :lag WHERE data_source_id = :id AND owner = :owner")
                .param("id", sourceId).param("owner", owner).param("lag", lagMs).update();
    }

    /** Pauses or resumes the source's stream, whether or not a consumer runs now. */
    public void setPaused(long sourceId, boolean paused) {
        jdbc.sql("INSERT INTO dra_stream_consumers (data_source_id, paused) VALUES (:id, :paused) "
                        + "ON CONFLICT (data_source_id) DO UPDATE SET paused = EXCLUDED.paused, updated_at = now()")
                .param("id", sourceId).param("paused", paused).update();
    }

    public Optional<Consumer> consumer(long sourceId) {
        return jdbc.sql("SELECT c.*, (c.lease_until > now()) AS lease_live FROM dra_stream_consumers c "
                        + "WHERE data_source_id = :id")
                .param("id", sourceId).query(StreamStore::consumer).optional();
    }

    public Map<String, Position> positions(long sourceId) {
        Map<String, Position> out = new LinkedHashMap<>();
        jdbc.sql("SELECT * FROM dra_stream_positions WHERE data_source_id = :id ORDER BY collection_name")
                .param("id", sourceId).query(StreamStore::position).list().forEach(p -> out.put(p.collection(), p));
        return out;
    }

    /** Inside a transaction: the positions of these collections, locked until commit (a swap waits for them). */
    public Map<String, Position> lockPositions(long sourceId, Collection<String> collections) {
        Map<String, Position> out = new HashMap<>();
        if (collections.isEmpty()) {
            return out;
        }
        jdbc.sql("SELECT * FROM dra_stream_positions WHERE data_source_id = :id AND collection_name IN (:names) "
                        + "ORDER BY collection_name FOR UPDATE")
                .param("id", sourceId).param("names", collections).query(StreamStore::position).list()
                .forEach(p -> out.put(p.collection(), p));
        return out;
    }

    public Optional<Position> lockPosition(long sourceId, String collection) {
        return jdbc.sql("SELECT * FROM dra_stream_positions WHERE data_source_id = :id AND collection_name = :c FOR UPDATE")
                .param("id", sourceId).param("c", collection).query(StreamStore::position).optional();
    }

    /**
     * The collection's stream starts over: its table needs a snapshot that begins after now (the caller has just
     * opened the stream), and its position is the stream's start when the server told it ({@code token} may be
     * null). Returns the generation the consumer now follows.
     */
    public int startOver(long sourceId, String collection, BsonDocument token) {
        return jdbc.sql("INSERT INTO dra_stream_positions (data_source_id, collection_name, resume_token, "
                        + "snapshot_state, snapshot_needed_at) VALUES (:id, :c, :token, 'needed', clock_timestamp()) "
                        + "ON CONFLICT (data_source_id, collection_name) DO UPDATE SET resume_token = EXCLUDED.resume_token, "
                        + "last_cluster_time = NULL, snapshot_state = 'needed', snapshot_needed_at = clock_timestamp(), "
                        + "generation = dra_stream_positions.generation + 1, updated_at = now() RETURNING generation")
                .param("id", sourceId).param("c", collection).param("token", token == null ? null : token.toJson())
                .query(Integer.class).single();
    }

    public void savePosition(long sourceId, String collection, BsonDocument token, Long clusterTime) {
        jdbc.sql("UPDATE dra_stream_positions SET resume_token = :token, "
                        + "last_cluster_time = COALESCE(:time, last_cluster_time), updated_at = now() "
                        + "WHERE data_source_id = :id AND collection_name = :c")
                .param("id", sourceId).param("c", collection).param("token", token == null ? null : token.toJson())
                .param("time", clusterTime).update();
    }

    /**
     * A sync of the collection begins: the consumer applies none of its events until the sync ends (it waits for
     * a batch in flight, whose rows the sync then reads). Returns whether the collection has a stream.
     */
    public boolean hold(long sourceId, String collection, long jobId) {
        return jdbc.sql("UPDATE dra_stream_positions SET held_by_job = :job, held_since = clock_timestamp(), "
                        + "updated_at = now() WHERE data_source_id = :id AND collection_name = :c")
                .param("id", sourceId).param("c", collection).param("job", jobId).update() == 1;
    }

    /**
     * Inside the transaction that ends the sync: the hold ends. A full sync's table is a snapshot: when it began
     * after the stream asked for one, the handoff is complete; the row versions of the old table go with it.
     */
    public void release(long sourceId, String collection, long jobId, boolean snapshot) {
        int changed = jdbc.sql("UPDATE dra_stream_positions SET snapshot_state = CASE WHEN :snapshot "
                        + "AND (snapshot_needed_at IS NULL OR snapshot_needed_at <= held_since) THEN 'done' "
                        + "ELSE snapshot_state END, held_by_job = NULL, held_since = NULL, "
                        + "generation = generation + 1, updated_at = now() "
                        + "WHERE data_source_id = :id AND collection_name = :c AND held_by_job = :job")
                .param("id", sourceId).param("c", collection).param("job", jobId).param("snapshot", snapshot).update();
        if (changed == 1 && snapshot) {
            clearVersions(sourceId, collection);
        }
    }

    /** Holds of syncs that are no longer running (their instance died): the consumer goes on. */
    public int releaseAbandonedHolds(long sourceId) {
        return jdbc.sql("UPDATE dra_stream_positions p SET held_by_job = NULL, held_since = NULL, updated_at = now() "
                        + "WHERE p.data_source_id = :id AND p.held_by_job IS NOT NULL AND NOT EXISTS ("
                        + "SELECT 1 FROM dra_sync_jobs j WHERE j.id = p.held_by_job AND j.status = 'running')")
                .param("id", sourceId).update();
    }

    public void forget(long sourceId, String collection) {
        jdbc.sql("DELETE FROM dra_stream_positions WHERE data_source_id = :id AND collection_name = :c")
                .param("id", sourceId).param("c", collection).update();
        clearVersions(sourceId, collection);
    }

    public Map<String, BatchPlan.Version> versions(long sourceId, String collection, Collection<String> ids) {
        Map<String, BatchPlan.Version> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        jdbc.sql("SELECT document_id, cluster_time, deleted FROM dra_stream_row_versions WHERE data_source_id = :id "
                        + "AND collection_name = :c AND document_id = ANY(:ids)")
                .param("id", sourceId).param("c", collection).param("ids", ids.toArray(String[]::new))
                .query(rs -> {
                    out.put(rs.getString(1), new BatchPlan.Version(rs.getLong(2), rs.getBoolean(3)));
                });
        return out;
    }

    public void writeVersions(long sourceId, String collection, Map<String, BatchPlan.Version> versions) {
        if (versions.isEmpty()) {
            return;
        }
        String[] ids = new String[versions.size()];
        Long[] times = new Long[versions.size()];
        Boolean[] deleted = new Boolean[versions.size()];
        int i = 0;
        for (Map.Entry<String, BatchPlan.Version> e : versions.entrySet()) {
            ids[i] = e.getKey();
            times[i] = e.getValue().clusterTime();
            deleted[i++] = e.getValue().deleted();
        }
        jdbc.sql("INSERT INTO dra_stream_row_versions (data_source_id, collection_name, document_id, cluster_time, deleted) "
                        + "SELECT :id, :c, v.document_id, v.cluster_time, v.deleted FROM unnest(:ids, :times, :deleted) "
                        + "AS v(document_id, cluster_time, deleted) ON CONFLICT (data_source_id, collection_name, document_id) "
                        + "DO UPDATE SET cluster_time = EXCLUDED.cluster_time, deleted = EXCLUDED.deleted")
                .param("id", sourceId).param("c", collection).param("ids", ids).param("times", times)
                .param("deleted", deleted).update();
    }

    public void clearVersions(long sourceId, String collection) {
        jdbc.sql("DELETE FROM dra_stream_row_versions WHERE data_source_id = :id AND collection_name = :c")
                .param("id", sourceId).param("c", collection).update();
    }

    private static Consumer consumer(ResultSet rs, int n) throws SQLException {
        return new Consumer(rs.getLong("data_source_id"), rs.getString("owner"), instant(rs.getTimestamp("lease_until")),
                rs.getString("state"), rs.getBoolean("paused"), rs.getObject("history_id", Long.class),
                rs.getLong("events_applied"), instant(rs.getTimestamp("last_event_at")),
                instant(rs.getTimestamp("last_applied_at")), rs.getObject("lag_ms", Long.class),
                rs.getString("error_message"), rs.getBoolean("lease_live"));
    }

    private static Position position(ResultSet rs, int n) throws SQLException {
        String token = rs.getString("resume_token");
        return new Position(rs.getString("collection_name"), token == null ? null : BsonDocument.parse(token),
                rs.getObject("last_cluster_time", Long.class), rs.getString("snapshot_state"),
                instant(rs.getTimestamp("snapshot_needed_at")), rs.getObject("held_by_job", Long.class),
                rs.getInt("generation"));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}

package io.mongopgsync.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the live state from the service's tables with three small queries on indexed columns: all data sources,
 * the jobs and history rows that are active, were active at the last read, or are new since it.
 */
@Repository
public class SyncStateReader {

    private static final String JOB_COLUMNS = "j.id, j.data_source_id, j.sync_type, j.trigger, j.status, "
            + "j.cancel_requested, j.created_at, j.started_at, j.finished_at, j.error_message";

    private final JdbcClient jdbc;

    public SyncStateReader(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public SyncState read(SyncState previous) {
        Instant now = jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
        Map<Long, SyncState.Source> sources = new LinkedHashMap<>();
        jdbc.sql("SELECT s.id, s.name, s.sync_status, s.last_sync_at, s.total_records_synced, s.sync_error_message, "
                        + "s.updated_at, " + JOB_COLUMNS + " FROM dra_data_sources s LEFT JOIN LATERAL ("
                        + "SELECT * FROM dra_sync_jobs x WHERE x.data_source_id = s.id AND x.status <> 'skipped' "
                        + "ORDER BY x.id DESC LIMIT 1) j ON true ORDER BY s.id")
                .query((rs, n) -> new SyncState.Source(rs.getLong(1), rs.getString(2), rs.getString(3),
                        instant(rs.getTimestamp(4)), rs.getLong(5), rs.getString(6), instant(rs.getTimestamp(7)),
                        rs.getObject(8) == null ? null : job(rs, 8)))
                .list().forEach(s -> sources.put(s.id(), s));

        // Highest ids first: rows created while the queries below run are then found by the next read.
        long maxJobId = Math.max(previous.maxJobId(),
                jdbc.sql("SELECT coalesce(max(id), 0) FROM dra_sync_jobs").query(Long.class).single());
        long maxHistoryId = Math.max(previous.maxHistoryId(),
                jdbc.sql("SELECT coalesce(max(id), 0) FROM dra_mongodb_sync_history").query(Long.class).single());

        String watchedJobs = idArray(previous.jobs().values().stream().filter(SyncState.Job::active)
                .map(SyncState.Job::id).toList());
        Map<Long, SyncState.Job> jobs = new LinkedHashMap<>();
        jdbc.sql("SELECT " + JOB_COLUMNS + " FROM dra_sync_jobs j WHERE j.status IN ('queued', 'running') "
                        + "OR j.id = ANY(CAST(:watched AS bigint[])) OR (:maxId >= 0 AND j.id > :maxId) ORDER BY j.id")
                .param("watched", watchedJobs).param("maxId", previous.maxJobId())
                .query((rs, n) -> job(rs, 1)).list().forEach(j -> jobs.put(j.id(), j));

        String watchedRuns = idArray(previous.runs().values().stream().filter(SyncState.Run::inProgress)
                .map(SyncState.Run::id).toList());
        Map<Long, SyncState.Run> runs = new LinkedHashMap<>();
        jdbc.sql("SELECT id, data_source_id, job_id, collection_name, table_name, sync_type, status, records_synced, "
                        + "records_failed, (sync_metadata->>'estimatedTotal')::bigint, started_at, completed_at, "
                        + "error_message, (extract(epoch FROM (coalesce(completed_at, now()) - started_at)) * 1000)::bigint "
                        // a change stream's session row stays in progress for as long as it streams: it is not a
                        // sync's progress (the stream's state and lag come with the source)
                        + "FROM dra_mongodb_sync_history WHERE sync_type <> 'stream' AND (status = 'in_progress' "
                        + "OR id = ANY(CAST(:watched AS bigint[])) OR (:maxId >= 0 AND id > :maxId)) ORDER BY id")
                .param("watched", watchedRuns).param("maxId", previous.maxHistoryId())
                .query(SyncStateReader::run).list().forEach(r -> runs.put(r.id(), r));
        return new SyncState(now, sources, jobs, runs, maxJobId, maxHistoryId);
    }

    private static SyncState.Job job(ResultSet rs, int first) throws SQLException {
        int i = first;
        return new SyncState.Job(rs.getLong(i), rs.getLong(i + 1), rs.getString(i + 2), rs.getString(i + 3),
                rs.getString(i + 4), rs.getBoolean(i + 5), instant(rs.getTimestamp(i + 6)),
                instant(rs.getTimestamp(i + 7)), instant(rs.getTimestamp(i + 8)), rs.getString(i + 9));
    }

    private static SyncState.Run run(ResultSet rs, int n) throws SQLException {
        return new SyncState.Run(rs.getLong(1), rs.getLong(2), rs.getObject(3, Long.class), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getLong(9),
                rs.getObject(10, Long.class), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                rs.getString(13), rs.getLong(14));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /** A PostgreSQL array literal of ids, bound as one parameter. */
    static String idArray(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }
}

package io.mongopgsync.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.api.ApiResponse;
import io.mongopgsync.api.DataSourceApi;
import io.mongopgsync.errors.ConflictException;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceService;
import io.mongopgsync.source.SyncConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** The change stream of a source over REST (routes/api-stream.camel.yaml) and in sync-status. */
@Component("streamApi")
public class StreamApi {

    private final DataSourceService sources;
    private final StreamStore store;
    private final StreamManager manager;
    private final ObjectMapper json;

    public StreamApi(DataSourceService sources, StreamStore store, StreamManager manager, ObjectMapper json) {
        this.sources = sources;
        this.store = store;
        this.manager = manager;
        this.json = json;
    }

    /** GET …/stream: state, lag, counts, and each collection's position. */
    public ApiResponse status(@Header("id") String id) {
        DataSourceRecord source = sources.get(DataSourceApi.parseId(id));
        Map<String, Object> answer = new LinkedHashMap<>(summary(source).orElseGet(() -> off(source)));
        List<Map<String, Object>> collections = new ArrayList<>();
        for (StreamStore.Position p : store.positions(source.id()).values()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("collection", p.collection());
            c.put("snapshot", p.snapshotState());
            c.put("heldByJob", p.heldByJob());
            c.put("resumable", p.resumeToken() != null);
            c.put("lastEventAt", p.lastClusterTime() == null ? null
                    : java.time.Instant.ofEpochSecond(ChangeEvent.seconds(p.lastClusterTime())));
            collections.add(c);
        }
        answer.put("collections", collections);
        return ApiResponse.ok(answer);
    }

    /** POST …/stream/pause: the consumer stops applying, keeping its position; survives restarts. */
    public ApiResponse pause(@Header("id") String id) {
        DataSourceRecord source = requireRealtime(id);
        store.setPaused(source.id(), true);
        manager.wakeUp();
        return ApiResponse.accepted(Map.of("message", "Change stream pausing; it keeps its position",
                "dataSourceId", source.id(), "paused", true));
    }

    /** POST …/stream/resume: the consumer goes on from its stored position. */
    public ApiResponse resume(@Header("id") String id) {
        DataSourceRecord source = requireRealtime(id);
        store.setPaused(source.id(), false);
        manager.wakeUp();
        return ApiResponse.accepted(Map.of("message", "Change stream resuming from its stored position",
                "dataSourceId", source.id(), "paused", false));
    }

    /**
     * The {@code stream} object of sync-status ({@code state}, {@code lagMs}, {@code eventsApplied}, ...), or
     * empty when the source does not stream and never did.
     */
    public java.util.Optional<Map<String, Object>> summary(DataSourceRecord source) {
        boolean realtime = Boolean.TRUE.equals(SyncConfig.fromStored(source.syncConfigJson(), json).realtime());
        var consumer = store.consumer(source.id());
        if (consumer.isEmpty() && !realtime) {
            return java.util.Optional.empty();
        }
        Map<String, Object> stream = new LinkedHashMap<>();
        StreamStore.Consumer c = consumer.orElse(null);
        String state;
        if (!realtime) {
            // the consumer ends after the batch it is applying: until its thread has let the lease go, it is stopping
            state = c != null && c.owner() != null && c.leaseLive() ? "stopping" : "stopped";
        } else if (c == null || c.owner() == null || !c.leaseLive()) {
            state = c != null && "failed".equals(c.state()) ? "failed" : "starting";
        } else {
            state = c.state(); // "paused" once the consumer has stopped applying, not when asked to
        }
        stream.put("realtime", realtime);
        stream.put("state", state);
        stream.put("paused", c != null && c.paused());
        stream.put("lagMs", "streaming".equals(state) && c != null ? c.lagMs() : null);
        stream.put("eventsApplied", c == null ? 0 : c.eventsApplied());
        stream.put("lastEventAt", c == null ? null : c.lastEventAt());
        stream.put("lastAppliedAt", c == null ? null : c.lastAppliedAt());
        stream.put("instance", c == null ? null : c.owner());
        stream.put("sessionHistoryId", c == null ? null : c.historyId());
        stream.put("error", c == null ? null : c.errorMessage());
        return java.util.Optional.of(stream);
    }

    private Map<String, Object> off(DataSourceRecord source) {
        Map<String, Object> stream = new LinkedHashMap<>();
        stream.put("realtime", false);
        stream.put("state", "stopped");
        stream.put("paused", false);
        stream.put("lagMs", null);
        stream.put("eventsApplied", 0);
        return stream;
    }

    private DataSourceRecord requireRealtime(String id) {
        DataSourceRecord source = sources.get(DataSourceApi.parseId(id));
        if (!Boolean.TRUE.equals(SyncConfig.fromStored(source.syncConfigJson(), json).realtime())) {
            throw new ConflictException("stream_not_enabled", "Data source " + source.id() + " has no change stream: "
                    + "set syncConfig.realtime to true first");
        }
        return source;
    }
}

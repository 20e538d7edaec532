package io.mongopgsync.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The latest events with their ids, for clients that reconnect with Last-Event-ID. Ids are
 * {@code <epoch>-<sequence>}: the epoch changes with every start of the service, so an id from before a restart
 * is never mistaken for one of this run. Not thread-safe: {@link EventHub} guards it.
 */
public final class EventLog {

    private final String epoch;
    private final int capacity;
    private final Deque<SyncEvent> events = new ArrayDeque<>();
    private long sequence;
    /** The oldest sequence a client may have seen and still resume from: everything after it is kept. */
    private long floor;

    public EventLog(String epoch, int capacity) {
        this.epoch = epoch;
        this.capacity = capacity;
    }

    public SyncEvent append(String type, Object data) {
        SyncEvent event = new SyncEvent(id(++sequence), type, data);
        events.addLast(event);
        if (events.size() > capacity) {
            SyncEvent dropped = events.removeFirst();
            floor = sequenceOf(dropped.id());
        }
        return event;
    }

    /**
     * Marks changes that were not recorded as events (the state was not watched for a while): no client can
     * resume across it and gets a snapshot instead.
     */
    public void gap() {
        sequence++;
        floor = sequence;
        events.clear();
    }

    /** The id of the newest event (or gap): what a snapshot taken now stands for. */
    public String currentId() {
        return id(sequence);
    }

    /** The events after {@code lastEventId}, or empty when they are not all kept (or the id is not ours). */
    public Optional<List<SyncEvent>> after(String lastEventId) {
        if (lastEventId == null || !lastEventId.startsWith(epoch + "-")) {
            return Optional.empty();
        }
        long seen;
        try {
            seen = Long.parseLong(lastEventId.substring(epoch.length() + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (seen < floor || seen > sequence) {
            return Optional.empty();
        }
        List<SyncEvent> missed = new ArrayList<>();
        for (SyncEvent event : events) {
            if (sequenceOf(event.id()) > seen) {
                missed.add(event);
            }
        }
        return Optional.of(missed);
    }

    private String id(long seq) {
        return epoch + "-" + seq;
    }

    private static long sequenceOf(String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }
}

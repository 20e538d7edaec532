package io.mongopgsync.events;

/**
 * One event of the live stream.
 *
 * @param id   {@code <epoch>-<sequence>}: the epoch names this instance's run, the sequence orders its events
 * @param type source, source-deleted, job, progress, history or snapshot
 * @param data the event's JSON-ready payload
 */
public record SyncEvent(String id, String type, Object data) {
}

/**
 * The live channel of the dashboard: a watcher reads sync state from PostgreSQL while clients listen, turns
 * changes into numbered events (source, job, progress, history), keeps the latest ones for replay and streams
 * them as Server-Sent Events on {@code GET /api/events}. Watching the tables rather than hooking the sync engine
 * sees the syncs of every instance sharing the database.
 */
package io.mongopgsync.events;

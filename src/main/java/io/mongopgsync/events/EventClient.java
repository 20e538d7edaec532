package io.mongopgsync.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One connected stream. Events are queued and written by a sender thread of its own, so a slow or stalled client
 * delays nobody else; one that falls {@code bufferSize} events behind is closed and resumes with Last-Event-ID.
 */
final class EventClient {

    private static final Object HEARTBEAT = new Object();

    private final SseEmitter emitter;
    private final BlockingQueue<Object> queue;
    private final Executor sender;
    private final ObjectMapper mapper;
    private final Consumer<EventClient> onClose;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    EventClient(SseEmitter emitter, int bufferSize, Executor sender, ObjectMapper mapper, Consumer<EventClient> onClose) {
        this.emitter = emitter;
        this.queue = new ArrayBlockingQueue<>(bufferSize);
        this.sender = sender;
        this.mapper = mapper;
        this.onClose = onClose;
    }

    void send(SyncEvent event) {
        enqueue(event);
    }

    void heartbeat() {
        enqueue(HEARTBEAT);
    }

    private void enqueue(Object item) {
        if (closed.get()) {
            return;
        }
        if (!queue.offer(item)) {
            close();
            return;
        }
        if (draining.compareAndSet(false, true)) {
            try {
                sender.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // No sender thread to be had (shutting down): end the stream rather than let it go silent.
                draining.set(false);
                close();
            }
        }
    }

    private void drain() {
        while (true) {
            Object item;
            while ((item = queue.poll()) != null) {
                if (closed.get() || !write(item)) {
                    queue.clear();
                    draining.set(false);
                    return;
                }
            }
            draining.set(false);
            // An item queued after the loop saw the queue empty but before the flag dropped would wait forever.
            if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private boolean write(Object item) {
        try {
            if (item == HEARTBEAT) {
                emitter.send(SseEmitter.event().comment("heartbeat"));
            } else {
                SyncEvent event = (SyncEvent) item;
                emitter.send(SseEmitter.event().id(event.id()).name(event.type()).data(json(event.data())));
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            // The client went away (or the stream already ended): nothing to report, it reconnects if it wants.
            close();
            return false;
        }
    }

    private String json(Object data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event payload cannot be written as JSON", e);
        }
    }

    /** Ends the stream; the client reconnects by itself. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.accept(this);
            try {
                emitter.complete();
            } catch (IllegalStateException ignored) {
                // already completed by the container
            }
        }
    }

    /** The container ended the stream (client gone, timeout, error). */
    void closedByContainer() {
        if (closed.compareAndSet(false, true)) {
            onClose.accept(this);
        }
    }
}

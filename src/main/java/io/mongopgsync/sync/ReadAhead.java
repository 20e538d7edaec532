package io.mongopgsync.sync;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the next batch while the loader stores the current one: a thread of its own drives the source (MongoDB's
 * cursor and the decoding of its documents) and hands each batch over when the loader asks for the next. The reader
 * waits with a batch until it is taken, so at most two batches are in memory: the one being loaded and the one read
 * ahead. A read failure is thrown where the loader asks for the batch, as it would have been without read-ahead.
 * {@link #close} stops the reader at its next batch; the cursor is closed by its owner.
 */
final class ReadAhead<T> implements Iterator<T>, AutoCloseable {

    private static final Object END = new Object();
    private static final long HAND_OVER_CHECK_MS = 100;

    private final SynchronousQueue<Object> handoff = new SynchronousQueue<>();
    private final String what;
    private volatile boolean closed;
    /** The item taken from the reader and not yet returned: a batch, {@link #END} or a {@link Failure}. */
    private Object taken;

    /** A failure of the source, thrown to the loader. */
    private record Failure(RuntimeException error) {
    }

    /**
     * Starts reading {@code source} on a daemon thread named {@code threadName}; {@code what} says what is read, in
     * failure messages.
     */
    ReadAhead(Iterator<T> source, String threadName, String what) {
        this.what = what;
        Thread reader = new Thread(() -> read(source), threadName);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Iterator<T> source) {
        try {
            while (!closed && source.hasNext()) {
                if (!handOver(source.next())) {
                    return;
                }
            }
            handOver(END);
        } catch (RuntimeException e) {
            if (!closed) {
                handOver(new Failure(e));
            }
        } catch (Error e) {
            if (!closed) {
                handOver(new Failure(new IllegalStateException("reading " + what + " failed: " + e, e)));
            }
            throw e;
        }
    }

    /** Waits until the loader takes the item; false when the read-ahead was closed meanwhile. */
    private boolean handOver(Object item) {
        try {
            while (!closed) {
                if (handoff.offer(item, HAND_OVER_CHECK_MS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean hasNext() {
        if (taken == null) {
            if (closed) {
                throw new IllegalStateException("reading " + what + " was stopped");
            }
            try {
                taken = handoff.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("interrupted while waiting for the next batch of " + what);
            }
        }
        if (taken instanceof Failure failure) {
            throw failure.error();
        }
        return taken != END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = (T) taken;
        taken = null;
        return item;
    }

    /** Stops the reader: it reads no further batch and drops the one it holds. */
    @Override
    public void close() {
        closed = true;
    }
}

package io.mongopgsync.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps connection tests, which wait on a remote host for seconds, from taking the request threads that every other
 * call needs. They run on a small pool of their own ({@code sync.api.test-connection.max-concurrent} threads, no
 * queue): when it is busy the call is answered 503 at once, and a test that outlasts {@code timeout} is stopped and
 * answered 504. One caller may start at most {@code per-caller} tests per {@code window} (more are answered 429).
 * Every refusal says when to retry (Retry-After).
 */
@Component
public class ConnectionCheckGate implements DisposableBean {

    private static final int BUSY_RETRY_SECONDS = 5;

    private record Window(long startNanos, int started) {
    }

    private final ThreadPoolExecutor pool;
    private final int perCaller;
    private final long windowNanos;
    private final Duration timeout;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    @Autowired
    public ConnectionCheckGate(ApiProperties properties) {
        this(properties.testConnection(), System::nanoTime);
    }

    ConnectionCheckGate(ApiProperties.TestConnection limits, LongSupplier nanoClock) {
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(limits.maxConcurrent(), limits.maxConcurrent(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "connection-check-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.pool.allowCoreThreadTimeOut(true);
        this.perCaller = limits.perCaller();
        this.windowNanos = limits.window().toNanos();
        this.timeout = limits.timeout();
        this.clock = nanoClock;
    }

    /** Runs {@code check} for {@code caller} if both limits allow it now; otherwise answers 429, 503 or 504. */
    public <T> T run(String caller, Supplier<T> check) {
        admit(caller);
        Future<T> running;
        try {
            running = pool.submit(check::get);
        } catch (RejectedExecutionException full) {
            throw new ApiException(503, "connection_checks_busy", "Too many connection tests are running on this "
                    + "instance (sync.api.test-connection.max-concurrent); try again in a few seconds",
                    List.of(), BUSY_RETRY_SECONDS);
        }
        try {
            return running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw new ApiException(504, "mongodb_timeout", "MongoDB did not finish answering the connection test "
                    + "within " + timeout.toSeconds() + " s (sync.api.test-connection.timeout)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiException(503, "shutting_down", "The service is stopping; try again");
        }
    }

    private void admit(String caller) {
        long now = clock.getAsLong();
        if (windows.size() > 10_000) {
            windows.values().removeIf(w -> now - w.startNanos() >= windowNanos);
        }
        Window window = windows.compute(caller, (key, current) ->
                current == null || now - current.startNanos() >= windowNanos ? new Window(now, 1)
                        : new Window(current.startNanos(), current.started() + 1));
        if (window.started() > perCaller) {
            long waitNanos = window.startNanos() + windowNanos - now;
            int retryAfter = (int) Math.max(1, Duration.ofNanos(waitNanos).toSeconds() + 1);
            throw new ApiException(429, "too_many_connection_tests", "At most " + perCaller + " connection tests "
                    + "per caller every " + Duration.ofNanos(windowNanos).toSeconds() + " s "
                    + "(sync.api.test-connection.per-caller); try again in " + retryAfter + " s",
                    List.of(), retryAfter);
        }
    }

    @Override
    public void destroy() {
        pool.shutdownNow();
    }
}

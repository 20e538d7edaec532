package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bounded retries with exponential backoff for calls outside the Camel routes (such as listing collections). */
public final class Retries {

    private static final Logger log = LoggerFactory.getLogger(Retries.class);

    private Retries() {
    }

    public static <T> T withBackoff(String what, SyncProperties.Retry retry, Supplier<T> call) {
        long delay = retry.initialBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (attempt >= retry.maxAttempts() || !SyncErrorClassifier.isRetriable(e)) {
                    throw e;
                }
                log.warn("{} failed (attempt {} of {}), retrying in {} ms: {}", what, attempt, retry.maxAttempts(),
                        delay, e.getMessage());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delay = (long) (delay * retry.multiplier());
            }
        }
    }
}

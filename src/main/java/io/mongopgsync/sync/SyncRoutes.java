package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The per-collection sync: {@code sync-collection} streams the collection in batches through the loader;
 * {@code sync-collection-attempts} retries it from the start, with exponential backoff, while the failure is
 * retriable, and records the failure once it is not.
 */
@Component
public class SyncRoutes extends RouteBuilder {

    private final SyncProperties.Retry retry;

    public SyncRoutes(SyncProperties properties) {
        this.retry = properties.retry();
    }

    @Override
    public void configure() {
        from("direct:sync-collection-attempts").routeId("sync-collection-attempts")
                .onException(Exception.class)
                    .retryWhile(method("syncErrorClassifier", "shouldRetry"))
                    .redeliveryDelay(retry.initialBackoff().toMillis())
                    .useExponentialBackOff().backOffMultiplier(retry.multiplier())
                    // attempts are logged by the classifier, the final failure by collectionSync.fail
                    .logRetryAttempted(false).logStackTrace(false).logExhausted(false).logHandled(false)
                    .logExhaustedMessageHistory(false)
                    .handled(true)
                    .bean("collectionSync", "fail")
                .end()
                .to("direct:sync-collection");

        from("direct:sync-collection").routeId("sync-collection")
                .errorHandler(noErrorHandler())
                .bean("collectionSync", "begin")
                .split(method("collectionSync", "batches")).streaming().stopOnException()
                    .bean("collectionSync", "load")
                .end()
                .bean("collectionSync", "finish");
    }
}

package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code sync-collection-attempts} runs a collection's data path ({@code sync-collection}, in
 * routes/sync-collection.camel.yaml) and retries it from the start, with exponential backoff, while the failure
 * is retriable; once it is not, the failure is recorded.
 */
@Component
public class SyncRoutes extends RouteBuilder {

    private final SyncProperties.Retry retry;
    private final SyncErrorClassifier classifier;

    public SyncRoutes(SyncProperties properties, SyncErrorClassifier classifier) {
        this.retry = properties.retry();
        this.classifier = classifier;
    }

    @Override
    public void configure() {
        from("direct:sync-collection-attempts").routeId("sync-collection-attempts")
                .onException(Exception.class)
                    .retryWhile(exchange -> classifier.shouldRetry(exchange))
                    .redeliveryDelay(retry.initialBackoff().toMillis())
                    .useExponentialBackOff().backOffMultiplier(retry.multiplier())
                    // attempts are logged by the classifier, the final failure by collectionSync.fail
                    .logRetryAttempted(false).logStackTrace(false).logExhausted(false).logHandled(false)
                    .logExhaustedMessageHistory(false)
                    .handled(true)
                    .bean("collectionSync", "fail")
                .end()
                .to("direct:sync-collection");
    }
}

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

    /**
     * Threads of the parallel _id-range parts of collections (executorService of the sync-collection route's split):
     * a Camel thread pool profile, registered before the routes start. Their number follows the jobs' parallelism:
     * a job's collections and parts together read with no more streams than it allows.
     */
    @org.springframework.context.annotation.Bean
    static org.apache.camel.spring.boot.CamelContextConfiguration syncSplitThreads() {
        return new org.apache.camel.spring.boot.CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(org.apache.camel.CamelContext camelContext) {
                camelContext.getExecutorServiceManager().registerThreadPoolProfile(
                        new org.apache.camel.builder.ThreadPoolProfileBuilder("syncSplitThreads").poolSize(1)
                                .maxPoolSize(256).maxQueueSize(0).keepAliveTime(60L)
                                .rejectedPolicy(org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy.CallerRuns)
                                .build());
            }

            @Override
            public void afterApplicationStart(org.apache.camel.CamelContext camelContext) {
                // nothing to do once started
            }
        };
    }

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

package io.mongopgsync.support;

import io.mongopgsync.SyncApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole service on a random port against this run's PostgreSQL database and MongoDB, as deployed: REST
 * over HTTP, Flyway migrations, job queue, Camel routes. The demo is off; tests register their own sources.
 * Metrics are exported as deployed (/actuator/prometheus), which Spring Boot's tests otherwise turn off.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = SyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestEnvironment.class)
@AutoConfigureObservability(tracing = false)
public @interface ServiceIT {
}

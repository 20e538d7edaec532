package io.mongopgsync.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * sync.api.*: limits that keep the REST API answering under load and abuse.
 *
 * @param maxRequestBody largest request body accepted; a larger one is answered 413 before it is read
 * @param testConnection bounds of the connection test, the one call that waits on a remote host
 * @param databaseProbeInterval how often PostgreSQL is probed; while it does not answer, API calls are answered 503
 *                              at once and readiness is DOWN
 */
@Validated
@ConfigurationProperties("sync.api")
public record ApiProperties(
        @NotNull @DefaultValue("1MB") DataSize maxRequestBody,
        @Valid @NotNull @DefaultValue TestConnection testConnection,
        @NotNull @DefaultValue("2s") Duration databaseProbeInterval) {

    /**
     * @param maxConcurrent connection tests running at once on this instance; more are answered 503
     * @param perCaller     connection tests one caller may start within {@code window}; more are answered 429
     * @param window        the period {@code perCaller} counts over
     * @param timeout       a test still waiting on MongoDB after this long is stopped and answered 504
     */
    public record TestConnection(
            @Min(1) @Max(100) @DefaultValue("4") int maxConcurrent,
            @Min(1) @Max(10_000) @DefaultValue("10") int perCaller,
            @NotNull @DefaultValue("1m") Duration window,
            @NotNull @DefaultValue("20s") Duration timeout) {
    }
}

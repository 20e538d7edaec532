package io.mongopgsync.events;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * sync.events.*: the live event stream of the dashboard.
 *
 * @param pollInterval      how often sync state is read while at least one client listens
 * @param heartbeatInterval how often an idle stream carries a comment, so proxies keep it open
 * @param maxClients        streams served at once by this instance; more are answered 503
 * @param replaySize        events kept for clients that reconnect with Last-Event-ID
 * @param clientBuffer      events queued for one slow client before its stream is closed (it reconnects)
 * @param streamTimeout     a stream is closed after this long; the client reconnects and resumes
 * @param resumeWindow      how long the state is still watched after the last client left, so that a client
 *                          reconnecting within it (a network blip, a page reload) resumes instead of starting over
 */
@Validated
@ConfigurationProperties("sync.events")
public record EventProperties(
        @NotNull @DefaultValue("500ms") Duration pollInterval,
        @NotNull @DefaultValue("15s") Duration heartbeatInterval,
        @Min(1) @Max(10_000) @DefaultValue("50") int maxClients,
        @Min(10) @Max(100_000) @DefaultValue("2000") int replaySize,
        @Min(10) @Max(100_000) @DefaultValue("1000") int clientBuffer,
        @NotNull @DefaultValue("30m") Duration streamTimeout,
        @NotNull @DefaultValue("60s") Duration resumeWindow) {
}

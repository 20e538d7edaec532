package io.mongopgsync.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventHubTest {

    private final SyncStateReader reader = mock(SyncStateReader.class);
    private EventHub hub;

    private EventHub hub(int maxClients) {
        EventProperties properties = new EventProperties(Duration.ofMillis(100), Duration.ofSeconds(15), maxClients,
                100, 100, Duration.ofMinutes(1), Duration.ofSeconds(60));
        // the service's mapper writes java.time values; a plain one fails on the snapshot and closes the stream
        hub = new EventHub(reader, new ChangeDetector(), properties, new ObjectMapper().findAndRegisterModules());
        hub.start();
        return hub;
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.stop();
        }
    }

    @Test
    void shouldRefuseClientsBeyondTheLimitWith503() {
        when(reader.read(any())).thenReturn(new SyncState(Instant.now(), Map.of(), Map.of(), Map.of(), 0, 0));
        EventHub h = hub(2);
        h.connect(null);
        h.connect(null);
        assertThatThrownBy(() -> h.connect(null)).isInstanceOfSatisfying(EventHub.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.error()).isEqualTo("too_many_clients");
            assertThat(r.getMessage()).contains("2 clients").contains("sync.events.max-clients");
        });
        assertThat(h.clientCount()).isEqualTo(2);
    }

    @Test
    void shouldAnswer503NamingPostgreSqlWhenTheStateCannotBeRead() {
        when(reader.read(any())).thenThrow(new IllegalStateException("connection refused"));
        EventHub h = hub(5);
        assertThatThrownBy(() -> h.connect(null)).isInstanceOfSatisfying(EventHub.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.getMessage()).contains("PostgreSQL").contains("connection refused");
        });
        assertThat(h.clientCount()).isZero();
        doReturn(new SyncState(Instant.now(), Map.of(), Map.of(), Map.of(), 0, 0)).when(reader).read(any());
        h.connect(null);
        assertThat(h.clientCount()).as("the refused attempt did not use up a place").isEqualTo(1);
    }

    @Test
    void shouldRefuseNewStreamsWhileShuttingDown() {
        EventHub h = hub(5);
        h.stop();
        assertThatThrownBy(() -> h.connect(null)).isInstanceOfSatisfying(EventHub.Refused.class,
                r -> assertThat(r.error()).isEqualTo("service_stopping"));
    }
}

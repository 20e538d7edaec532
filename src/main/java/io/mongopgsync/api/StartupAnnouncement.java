package io.mongopgsync.api;

import io.mongopgsync.config.SyncProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says where the API and the dashboard are once the service is ready. */
@Component
class StartupAnnouncement {

    private static final Logger log = LoggerFactory.getLogger(StartupAnnouncement.class);

    private final SyncProperties properties;

    StartupAnnouncement(SyncProperties properties) {
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void announce(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
            return;
        }
        String base = "http://localhost:" + web.getWebServer().getPort();
        log.info("mongo-pg-sync is ready: dashboard {}/ , REST API {}/api/data-sources , health {}/actuator/health ; "
                + "imported tables go to schema '{}'", base, base, base, properties.targetSchema());
    }
}

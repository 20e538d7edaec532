package io.mongopgsync.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/events}: the live stream of the dashboard as Server-Sent Events. It sits under /api so the
 * API's authentication applies; the dashboard reads it with fetch() and sends its Authorization header. A client
 * resumes with the standard Last-Event-ID header (or {@code ?lastEventId=}).
 */
@RestController
public class EventsController {

    private final EventHub hub;
    private final ObjectMapper mapper;

    public EventsController(EventHub hub, ObjectMapper mapper) {
        this.hub = hub;
        this.mapper = mapper;
    }

    @GetMapping("/api/events")
    public SseEmitter events(@RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
                             @RequestParam(value = "lastEventId", required = false) String lastEventIdParam,
                             HttpServletResponse response) throws IOException {
        try {
            SseEmitter emitter = hub.connect(lastEventId != null ? lastEventId : lastEventIdParam);
            // Proxies (nginx) would otherwise hold events back in their buffers.
            response.setHeader("X-Accel-Buffering", "no");
            response.setHeader("Cache-Control", "no-cache");
            return emitter;
        } catch (EventHub.Refused refused) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", refused.error());
            body.put("message", refused.getMessage());
            response.setStatus(refused.status());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setHeader("Retry-After", "5");
            mapper.writeValue(response.getOutputStream(), body);
            return null;
        }
    }
}

package io.mongopgsync.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Reads the service's Server-Sent Events stream (GET /api/events) the way the dashboard does, into a list: with a
 * bearer token in the Authorization header (the environment's admin token unless told otherwise). A refused
 * stream (not 200) is read whole as the error body instead.
 */
public final class EventStreamClient implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One received event. */
    public record Event(String id, String type, JsonNode data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;
    private final String errorBody;

    /** A stream read with the admin token. */
    public EventStreamClient(int port, String lastEventId) {
        this(port, lastEventId, TestEnvironment.ADMIN_TOKEN);
    }

    /** A stream read with this bearer token; null sends none. */
    public EventStreamClient(int port, String lastEventId, String bearerToken) {
        this(URI.create("http://127.0.0.1:" + port + "/api/events"), lastEventId, bearerToken);
    }

    /** A stream read as a browser's EventSource would: no header, the token as {@code access_token} in the query. */
    public static EventStreamClient withQueryToken(int port, String token) {
        return new EventStreamClient(URI.create("http://127.0.0.1:" + port + "/api/events?access_token="
                + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8)), null, null);
    }

    private EventStreamClient(URI uri, String lastEventId, String bearerToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (response.statusCode() != 200) {
            try (Stream<String> lines = response.body()) {
                errorBody = String.join("\n", lines.toList());
            }
            reader = null;
            return;
        }
        errorBody = null;
        reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The body of a refused stream, parsed as JSON. */
    public JsonNode errorBody() {
        if (errorBody == null) {
            throw new IllegalStateException("the stream was accepted (HTTP 200); it has no error body");
        }
        try {
            return MAPPER.readTree(errorBody);
        } catch (IOException e) {
            throw new UncheckedIOException("the refused stream's body is not JSON: " + errorBody, e);
        }
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    private void read() {
        String id = null;
        String type = "message";
        List<String> data = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, type, MAPPER.readTree(String.join("\n", data))));
                    }
                    id = null;
                    type = "message";
                    data.clear();
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" -> data.add(value);
                        default -> { }
                    }
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // stream closed (IllegalStateException: closed before this thread began to read it)
        }
    }

    @Override
    public void close() {
        if (reader != null) {
            response.body().close();
            reader.interrupt();
        }
    }
}

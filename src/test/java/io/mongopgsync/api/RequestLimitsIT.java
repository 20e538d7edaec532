package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestTokens;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The API keeps answering when callers send too much: large bodies, long lists, many slow connection tests. */
@ServiceIT
class RequestLimitsIT {

    @LocalServerPort
    int port;

    @Test
    void shouldRefuseABodyOverTheLimitFromItsDeclaredLengthWithoutReadingIt() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/data-sources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TestEnvironment.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + (100L * 1024 * 1024) + "\r\n\r\n{\"name\":\"").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the answer comes although only the first bytes of the 100 MB were sent
            String answer = new String(readHead(socket.getInputStream()), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/json").contains("payload_too_large")
                    .contains("sync.api.max-request-body");
        }
    }

    @Test
    void shouldRefuseAChunkedBodyAsSoonAsItGrowsPastTheLimit() throws Exception {
        byte[] big = ("{\"description\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/data-sources"))
                .header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                // an InputStream publisher has no length: the body goes chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains("payload_too_large");
        // a body within the limit is read and judged on its content
        ApiClient api = new ApiClient(port);
        ApiClient.Response withinLimit = api.post("/api/data-sources", ApiClient.json(Map.of("name", "x",
                "description", "x".repeat(500_000))));
        assertThat(withinLimit.status()).as(withinLimit.toString()).isEqualTo(400);
        assertThat(withinLimit.json().get("message").asText()).contains("description");
    }

    @Test
    void shouldBoundTheLengthOfLists() {
        ApiClient api = new ApiClient(port);
        long id = new SyncClient(api).createSource("lists", "mongodb://127.0.0.1:1/x", "x", Map.of());
        List<String> many = IntStream.range(0, 1001).mapToObj(i -> "c" + i).toList();

        ApiClient.Response include = api.put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("collections", Map.of("include", many))));

        assertThat(include.status()).as(include.toString()).isEqualTo(400);
        assertThat(include.json().get("details").get(0).get("field").asText()).isEqualTo("collections.include");
        assertThat(include.json().get("message").asText()).contains("at most 1000");
        assertThat(api.put("/api/data-sources/" + id + "/sync-config", ApiClient.json(Map.of("collections",
                Map.of("include", many.subList(0, 1000))))).status()).isEqualTo(200);
    }

    @Test
    void shouldKeepReadsFastWhileManyConnectionTestsHangOnAHostThatNeverAnswers() throws Exception {
        ApiClient admin = new ApiClient(port);
        // a caller of its own, so that its rate limit touches no other test
        String callerToken = TestTokens.create(admin, "slow-tests", "admin").token();
        try (BlackHole blackHole = new BlackHole()) {
            long id = new SyncClient(admin).createSource("black-hole", "mongodb://127.0.0.1:" + blackHole.port() + "/x",
                    "x", Map.of());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                slow.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/api/data-sources/" + id + "/test-connection"))
                        .header("Authorization", "Bearer " + callerToken)
                        .timeout(Duration.ofSeconds(90)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // the slow work is under way: the black hole holds connections of the tests that run
            await().atMost(Duration.ofSeconds(30)).until(() -> blackHole.accepted() > 0);

            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                ApiClient.Response read = admin.get("/api/data-sources/" + id);
                long millis = (System.nanoTime() - start) / 1_000_000;
                latencies.add(millis);
                assertThat(read.status()).as(read.toString()).isEqualTo(200);
                // Held behind the tests, a read waits for 250 tests of 3 s on 8 shared threads (and is answered 503
                // after 30 s); the bound leaves room for the burst's own database work on a busy machine.
                assertThat(millis).as("read %d took %d ms while connection tests hang", i, millis).isLessThan(5000);
            }
            System.out.println("Reads while 250 connection tests hang, ms: " + latencies);

            List<HttpResponse<String>> answers = slow.stream().map(CompletableFuture::join).toList();
            List<HttpResponse<String>> limited = answers.stream().filter(r -> r.statusCode() == 429).toList();
            List<HttpResponse<String>> busy = answers.stream().filter(r -> r.statusCode() == 503).toList();
            // those that ran failed on the host that never answers: unreachable (502) or stopped at the timeout (504)
            List<HttpResponse<String>> ran = answers.stream()
                    .filter(r -> r.statusCode() == 502 || r.statusCode() == 504).toList();
            assertThat(limited.size() + busy.size() + ran.size()).as(statuses(answers)).isEqualTo(250);
            assertThat(ran).hasSizeBetween(1, 4);
            assertThat(limited).hasSize(250 - TestEnvironment.TEST_CONNECTIONS_PER_CALLER);
            assertThat(limited.get(0).headers().firstValue("Retry-After")).isPresent();
            assertThat(limited.get(0).body()).contains("too_many_connection_tests").contains("per-caller");
            assertThat(busy).isNotEmpty();
            assertThat(busy.get(0).headers().firstValue("Retry-After")).isPresent();
            assertThat(busy.get(0).body()).contains("connection_checks_busy");
        }
    }

    private static String statuses(List<HttpResponse<String>> answers) {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        answers.forEach(r -> counts.merge(r.statusCode(), 1L, Long::sum));
        return counts.toString();
    }

    private static byte[] readHead(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        int n = in.read(buffer);
        int total = Math.max(n, 0);
        // headers and the small JSON body arrive together or shortly after
        while (n > 0 && total < buffer.length && new String(buffer, 0, total, StandardCharsets.UTF_8).indexOf('}') < 0) {
            n = in.read(buffer, total, buffer.length - total);
            total += Math.max(n, 0);
        }
        return java.util.Arrays.copyOf(buffer, total);
    }

    /** A TCP server that accepts connections and never answers: what an unresponsive MongoDB host looks like. */
    /**
     * A REST route answers on a Camel thread after the servlet has returned. The security headers used to be written
     * by the servlet thread at that same moment, and a response whose headers two threads changed at once was lost
     * (Tomcat failed while committing it and closed the connection unanswered). Every answer arrives, with them.
     * The calls are POSTs, which the HTTP client does not send again when a connection closes unanswered; and Tomcat's
     * own report of headers changed by two threads is looked for in the log.
     */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void shouldAnswerEveryOneOfManyConcurrentCallsWithTheSecurityHeaders(
            org.springframework.boot.test.system.CapturedOutput output) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/data-sources/987654321/sync"))
                    .header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN)
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
            calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        }
        // a response whose headers two threads changed is not always lost, but Tomcat reports it every time
        assertThat(output.getAll()).doesNotContain("MimeHeaderField");
    }

    static final class BlackHole implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 500, java.net.InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        BlackHole() throws IOException {
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}

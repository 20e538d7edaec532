package io.mongopgsync.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The service in its own JVM, as a replica would run: for memory limits (-Xmx) and for several instances on one
 * database. Its log goes to target/service-&lt;name&gt;.log.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the service with these JVM options and properties and waits until it answers. */
    public static ServiceProcess start(String name, List<String> jvmOptions, Map<String, String> properties)
            throws IOException {
        return start(name, jvmOptions, properties, Duration.ofMinutes(2));
    }

    /** The same, waiting up to {@code startup} (benchmarks on a busy machine). */
    public static ServiceProcess start(String name, List<String> jvmOptions, Map<String, String> properties,
                                      Duration startup) throws IOException {
        int port = freePort();
        Path log = Path.of("target", "service-" + name + ".log");
        ProcessBuilder builder = processBuilder(command(jvmOptions, port, properties), log);
        ServiceProcess service = new ServiceProcess(builder.start(), port, log);
        // The probe is anonymous; a token unknown to this instance would be refused even there.
        ApiClient api = new ApiClient(port).anonymous();
        try {
            await().atMost(startup).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!service.process.isAlive()) {
                    throw new IllegalStateException("service " + name + " exited: " + service.logTail());
                }
                try {
                    return api.get("/actuator/health/readiness").status() == 200;
                } catch (IllegalStateException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    public int port() {
        return port;
    }

    public ApiClient api() {
        return new ApiClient(port);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Kills the process at once, as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(40).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** How a process that was expected to stop on its own ended. */
    public record Exit(int code, String output) {
    }

    /** Runs the service and waits for it to exit (for start-up failures). */
    public static Exit runToExit(String name, Map<String, String> properties, Duration timeout) throws Exception {
        Path log = Path.of("target", "service-" + name + ".log");
        Process process = processBuilder(command(List.of(), freePort(), properties), log).start();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("service " + name + " did not exit within " + timeout);
        }
        return new Exit(process.exitValue(), Files.readString(log));
    }

    /** Settings the test passes as properties must not come from the test's own environment as well. */
    private static final List<String> ENVIRONMENT_NOT_INHERITED = List.of("MONGODB_URI", "SYNC_SECRET_KEY", "DB_URL",
            "DB_USER", "DB_PASSWORD", "SYNC_DEMO_ENABLED", "DEMO_MONGO_PORT", "SERVER_PORT", "SYNC_TARGET_SCHEMA",
            "SYNC_BOOTSTRAP_TOKEN", "SYNC_SECURITY_JWT_ISSUER_URI", "SYNC_SECURITY_JWT_JWK_SET_URI",
            "SYNC_PREVIOUS_SECRET_KEYS", "SYNC_MONGO_ALLOWED_HOSTS");

    private static ProcessBuilder processBuilder(List<String> command, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        ENVIRONMENT_NOT_INHERITED.forEach(builder.environment()::remove);
        return builder;
    }

    private static List<String> command(List<String> jvmOptions, int port, Map<String, String> properties) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add("io.mongopgsync.SyncApplication");
        command.add("--server.port=" + port);
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        return command;
    }

    /** This JVM's class path without empty entries, which would put the working directory on it. */
    private static String classPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The properties every service process of a test needs: its database, a key, the admin token, no demo, short
     * timings.
     */
    public static Map<String, String> baseProperties(String jdbcUrl) {
        TestPostgres pg = TestPostgres.get();
        return new java.util.HashMap<>(Map.ofEntries(
                Map.entry("spring.datasource.url", jdbcUrl),
                Map.entry("spring.datasource.username", pg.user()),
                Map.entry("spring.datasource.password", pg.password()),
                // several service processes share PostgreSQL with the suite: small pools, few idle connections
                Map.entry("spring.datasource.hikari.maximum-pool-size", "6"),
                Map.entry("spring.datasource.hikari.minimum-idle", "1"),
                Map.entry("sync.secret-key", TestEnvironment.SECRET_KEY),
                Map.entry("sync.security.bootstrap-token", TestEnvironment.ADMIN_TOKEN),
                Map.entry("sync.demo.enabled", "false"),
                Map.entry("sync.jobs.poll-interval", "200ms"),
                Map.entry("sync.jobs.heartbeat-interval", "500ms")));
    }
}

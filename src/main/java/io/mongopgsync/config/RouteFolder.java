package io.mongopgsync.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The routes folder teams edit ({@code sync.routes-dir}, default {@code ./routes}) over the set packaged with
 * the service: a file on disk replaces the packaged file of the same name, and files only on disk are added.
 * Without the folder the packaged set is used alone.
 */
public final class RouteFolder {

    /** One file: its name, where it was read from (for messages), and its text. */
    public record RouteFile(String name, String location, String uri, String text) {
    }

    private final Path dir;

    public RouteFolder(String dir) {
        this.dir = dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    public boolean onDisk() {
        return dir != null && Files.isDirectory(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Every file whose name ends with {@code suffix}, disk over packaged, in name order. */
    public List<RouteFile> files(String suffix) {
        Map<String, RouteFile> byName = new TreeMap<>();
        try {
            for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:routes/*" + suffix)) {
                String name = r.getFilename();
                try (var in = r.getInputStream()) {
                    byName.put(name, new RouteFile(name, "packaged routes/" + name, "classpath:routes/" + name,
                            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
            if (onDisk()) {
                try (Stream<Path> listing = Files.list(dir)) {
                    for (Path p : listing.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                        String name = p.getFileName().toString();
                        Path absolute = p.toAbsolutePath().normalize();
                        byName.put(name, new RouteFile(name, p.toString(), "file:" + absolute,
                                Files.readString(p, StandardCharsets.UTF_8)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the routes folder " + dir + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(byName.values());
    }
}

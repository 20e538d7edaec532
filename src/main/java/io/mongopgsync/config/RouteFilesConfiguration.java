package io.mongopgsync.config;

import io.mongopgsync.transform.TransformCatalog;
import io.mongopgsync.transform.TransformFileParser;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the routes folder ({@link RouteFolder}) before any bean is made: every route file must be YAML and every
 * transform file must be valid (steps, keys, filters), so that a broken file stops start-up at once with its name
 * and line instead of leaving a half-loaded set. Then hands Camel the list of route files to load. (Expressions
 * of computed fields are compiled later, by {@link TransformCatalog}, which needs Camel.)
 */
@Configuration(proxyBeanMethods = false)
public class RouteFilesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RouteFilesConfiguration.class);
    public static final String ROUTE_SUFFIX = ".camel.yaml";

    @Bean
    static BeanFactoryPostProcessor routeFilesCheck(ConfigurableEnvironment environment) {
        return beanFactory -> {
            RouteFolder folder = new RouteFolder(environment.getProperty("sync.routes-dir", "./routes"));
            List<RouteFolder.RouteFile> routes = folder.files(ROUTE_SUFFIX);
            routes.forEach(RouteFilesConfiguration::checkYaml);
            TransformFileParser transforms = new TransformFileParser(
                    reference -> TransformCatalog.resolveKey(environment, reference), (language, expression) -> doc -> null);
            folder.files(TransformCatalog.FILE_SUFFIX).forEach(f -> transforms.parse(f.location(), f.text()));
            environment.getPropertySources().addFirst(new MapPropertySource("sync-route-files", Map.of(
                    "camel.main.routes-include-pattern",
                    routes.stream().map(RouteFolder.RouteFile::uri).collect(Collectors.joining(",")))));
            log.info("Routes: {} files{}", routes.size(), folder.onDisk()
                    ? " from " + folder.dir().toAbsolutePath().normalize() + " over the packaged set"
                    : " (packaged set; no folder at " + folder.dir() + ")");
        };
    }

    static void checkYaml(RouteFolder.RouteFile file) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            new Yaml(options).compose(new java.io.StringReader(file.text()));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new RouteFileException(file.location() + (line > 0 ? " line " + line : "") + ": not valid YAML: "
                    + e.getProblem());
        }
    }

    /** A route file that cannot be used; start-up stops with this message. */
    public static class RouteFileException extends RuntimeException {
        public RouteFileException(String message) {
            super(message);
        }
    }
}

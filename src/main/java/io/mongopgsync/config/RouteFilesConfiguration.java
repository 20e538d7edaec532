package io.mongopgsync.config;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.spring.boot.CamelConfigurationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Points Camel at the route files of {@link RouteFolder} and checks that each is valid YAML before Camel reads
 * any of them, so that a broken file stops start-up with its name and line instead of leaving a half-loaded set.
 */
@Configuration(proxyBeanMethods = false)
public class RouteFilesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RouteFilesConfiguration.class);
    public static final String ROUTE_SUFFIX = ".camel.yaml";

    @Bean
    static BeanPostProcessor routeFilesIntoCamel(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof CamelConfigurationProperties camel) {
                    RouteFolder folder = new RouteFolder(environment.getProperty("sync.routes-dir", "./routes"));
                    List<RouteFolder.RouteFile> files = folder.files(ROUTE_SUFFIX);
                    files.forEach(RouteFilesConfiguration::checkYaml);
                    camel.getMain().setRoutesIncludePattern(
                            files.stream().map(RouteFolder.RouteFile::uri).collect(Collectors.joining(",")));
                    log.info("Routes: {} files{}", files.size(), folder.onDisk()
                            ? " from " + folder.dir().toAbsolutePath().normalize() + " over the packaged set"
                            : " (packaged set; no folder at " + folder.dir() + ")");
                }
                return bean;
            }
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

    /** A route or transform file that cannot be used; start-up stops with this message. */
    public static class RouteFileException extends RuntimeException {
        public RouteFileException(String message) {
            super(message);
        }
    }
}
